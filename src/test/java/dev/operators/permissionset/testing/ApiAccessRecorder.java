package dev.operators.permissionset.testing;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Records every Kubernetes API request a client sends as an RBAC check would see it: verb, API group, resource
 * (with its subresource) and namespace. Plugged into the client's OkHttp as an interceptor.
 */
public final class ApiAccessRecorder implements Interceptor {

  /**
   * One kind of access.
   *
   * @param apiGroup "" for the core group
   * @param resource the plural, with "/subresource" when there is one
   * @param namespace empty for cluster-wide requests (cluster-scoped objects, or lists and watches across namespaces)
   */
  public record Access(String verb, String apiGroup, String resource, Optional<String> namespace) {

    @Override
    public String toString() {
      return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource
          + namespace.map(ns -> " in " + ns).orElse(" (all namespaces)");
    }
  }

  private final Set<Access> accesses = ConcurrentHashMap.newKeySet();
  private final Set<String> nonResourcePaths = ConcurrentHashMap.newKeySet();

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    classify(request.method(), request.url());
    return chain.proceed(request);
  }

  public Set<Access> accesses() {
    return Set.copyOf(accesses);
  }

  /** Requests outside /api and /apis resources, such as /version. */
  public Set<String> nonResourcePaths() {
    return Set.copyOf(nonResourcePaths);
  }

  private void classify(String method, HttpUrl url) {
    List<String> segments = url.pathSegments().stream().filter(s -> !s.isEmpty()).toList();
    List<String> rest;
    String group;
    if (segments.size() >= 3 && segments.get(0).equals("api")) {
      group = "";
      rest = segments.subList(2, segments.size());
    } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
      group = segments.get(1);
      rest = segments.subList(3, segments.size());
    } else {
      nonResourcePaths.add(method + " " + url.encodedPath());
      return;
    }
    Optional<String> namespace = Optional.empty();
    if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
      namespace = Optional.of(rest.get(1));
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0) + (rest.size() >= 3 ? "/" + rest.get(2) : "");
    boolean named = rest.size() >= 2;
    accesses.add(new Access(verb(method, named, "true".equals(url.queryParameter("watch"))), group, resource,
        namespace));
  }

  private static String verb(String method, boolean named, boolean watch) {
    return switch (method) {
      case "GET" -> named ? "get" : watch ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> throw new IllegalArgumentException("unexpected HTTP method " + method + " among "
          + Arrays.toString(new String[] {"GET", "POST", "PUT", "PATCH", "DELETE"}));
    };
  }
}
