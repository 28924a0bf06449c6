package dev.operators.permissionset.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Optimistic locking as a real API server does it, in front of the Fabric8 CRUD dispatcher: an update (PUT, also
 * of the status subresource) or a merge patch whose {@code metadata.resourceVersion} is set and is not the stored
 * object's is answered 409 Conflict and changes nothing. The CRUD dispatcher checks a spec update or a patch itself,
 * but builds a status update from the object it holds, so a stale status write would pass there.
 */
final class OptimisticLockingDispatcher extends Dispatcher {

  private static final String STATUS_SUBRESOURCE = "/status";

  private final Dispatcher crud;
  /** The check and the write it guards are one step: no other write can come between them. */
  private final Lock writes = new ReentrantLock();
  private final LongAdder conflicts = new LongAdder();

  OptimisticLockingDispatcher(Dispatcher crud) {
    this.crud = crud;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (request.method() == HttpMethod.GET) {
      return crud.dispatch(request);
    }
    writes.lock();
    try {
      return conflict(request).orElseGet(() -> crud.dispatch(request));
    } finally {
      writes.unlock();
    }
  }

  /** The writes answered 409 Conflict so far. */
  long conflicts() {
    return conflicts.sum();
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  private Optional<MockResponse> conflict(RecordedRequest request) {
    if (request.method() != HttpMethod.PUT && request.method() != HttpMethod.PATCH) {
      return Optional.empty();
    }
    // getBytes leaves the body for the CRUD dispatcher to read
    String expected = resourceVersion(request.getBody().getBytes()).orElse(null);
    if (expected == null) {
      return Optional.empty();
    }
    ObjectPath object = ObjectPath.of(request.getPath());
    MockResponse stored = crud.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET, object.path(),
        Headers.builder().build(), new Buffer()));
    if (stored.code() != HttpURLConnection.HTTP_OK) {
      return Optional.empty();
    }
    String current = resourceVersion(stored.getBody().getBytes()).orElse("");
    if (current.equals(expected)) {
      return Optional.empty();
    }
    conflicts.increment();
    return Optional.of(conflictResponse(object));
  }

  /** The body's {@code metadata.resourceVersion}; none for a JSON Patch, which the CRUD dispatcher checks applied. */
  private static Optional<String> resourceVersion(byte[] body) {
    try {
      JsonNode version = Serialization.jsonMapper().readTree(body).path("metadata").path("resourceVersion");
      return version.isTextual() && !version.asText().isEmpty() ? Optional.of(version.asText()) : Optional.empty();
    } catch (IOException e) {
      // not JSON: the CRUD dispatcher answers it as it answers any malformed body
      return Optional.empty();
    }
  }

  /** The Status a real API server sends, whose message names the resource type as plural.group. */
  private static MockResponse conflictResponse(ObjectPath object) {
    String resource = object.group().isEmpty() ? object.plural() : object.plural() + "." + object.group();
    Status status = new StatusBuilder()
        .withStatus("Failure")
        .withReason("Conflict")
        .withCode(HttpURLConnection.HTTP_CONFLICT)
        .withMessage("Operation cannot be fulfilled on " + resource + " \"" + object.name()
            + "\": the object has been modified; please apply your changes to the latest version and try again")
        .withNewDetails()
        .withName(object.name())
        .withGroup(object.group())
        .withKind(object.plural())
        .endDetails()
        .build();
    try {
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CONFLICT)
          .setHeader("Content-Type", "application/json")
          .setBody(Serialization.jsonMapper().writeValueAsString(status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a Status", e);
    }
  }

  /**
   * The object a write goes to, from {@code /api/v1/...} or {@code /apis/group/version/...}, with
   * {@code namespaces/ns/} optional and {@code /status} or a query after it.
   */
  private record ObjectPath(String path, String group, String plural, String name) {

    static ObjectPath of(String requestPath) {
      String path = requestPath.contains("?") ? requestPath.substring(0, requestPath.indexOf('?')) : requestPath;
      if (path.endsWith(STATUS_SUBRESOURCE)) {
        path = path.substring(0, path.length() - STATUS_SUBRESOURCE.length());
      }
      List<String> segments = List.of(path.substring(1).split("/"));
      String group = segments.get(0).equals("apis") ? segments.get(1) : "";
      int size = segments.size();
      return new ObjectPath(path, group, segments.get(size - 2), segments.get(size - 1));
    }
  }
}
