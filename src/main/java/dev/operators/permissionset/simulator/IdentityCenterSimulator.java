package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import dev.operators.permissionset.simulator.Pager.Page;
import dev.operators.permissionset.simulator.SimulatorState.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Huawei Cloud IAM Identity Center, for the part that provisions permission sets, over real HTTP with real
 * AK/SK signatures: the wire shapes, validation and errors of the published API pages, asynchronous provisioning,
 * and faults on demand. Tests, the demo and benchmarks run it in-process; platform teams run it standalone.
 */
public final class IdentityCenterSimulator implements AutoCloseable {

  public static final String LIST_PERMISSION_SETS = "ListPermissionSets";
  public static final String PROVISION = "ProvisionPermissionSet";
  public static final String DESCRIBE = "DescribePermissionSetProvisioningStatus";
  public static final String LIST_PROVISIONING = "ListPermissionSetProvisioningStatus";
  public static final String LIST_ACCOUNTS = "ListAccountsForProvisionedPermissionSet";
  public static final String LIST_INSTANCES = "ListInstances";
  public static final String UNKNOWN_API = "UnknownApi";

  private static final Logger LOG = LoggerFactory.getLogger(IdentityCenterSimulator.class);
  private static final String ID = "([^/]+)";
  private static final List<Route> ROUTES = List.of(
      new Route("GET", Pattern.compile("^/v1/instances$"), LIST_INSTANCES),
      new Route("GET", Pattern.compile("^/v1/instances/" + ID + "/permission-sets$"), LIST_PERMISSION_SETS),
      new Route("GET", Pattern.compile("^/v1/instances/" + ID + "/permission-sets/provisioning-statuses$"),
          LIST_PROVISIONING),
      new Route("GET", Pattern.compile("^/v1/instances/" + ID + "/permission-sets/provisioning-status/" + ID + "$"),
          DESCRIBE),
      new Route("POST", Pattern.compile("^/v1/instances/" + ID + "/permission-sets/" + ID + "/provision$"),
          PROVISION),
      new Route("GET", Pattern.compile("^/v1/instances/" + ID + "/permission-sets/" + ID + "/accounts$"),
          LIST_ACCOUNTS));
  private static final Set<String> PROVISIONING_STATUSES = Set.of("IN_PROGRESS", "SUCCEEDED", "FAILED");
  private static final Set<String> ACCOUNT_STATUSES =
      Set.of("LATEST_PERMISSION_SET_PROVISIONED", "LATEST_PERMISSION_SET_NOT_PROVISIONED");
  private static final int MAX_BODY = 64 * 1024;

  private final HttpListener listener;
  private final InetAddress address;
  private final boolean https;
  private final Options options;
  private final Pager pager;
  private final SimulatorState state;
  private final SignatureVerifier verifier;
  private final Faults faults;
  private final RequestCounters counters = new RequestCounters();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong rateWindow = new AtomicLong();
  private final AtomicLong callsInWindow = new AtomicLong();
  private final Clock clock;

  private record Route(String method, Pattern path, String operation) {
  }

  private record Call(String operation, Matcher path, Map<String, List<String>> query, Credential caller,
      byte[] body) {

    String pathPart(int group) {
      return path.group(group);
    }
  }

  /** How ListPermissionSetProvisioningStatus and the other listings page. */
  public enum Paging {
    /** A marker names the first item of the next page; items that leave or join the listing shift nothing. */
    KEYSET,
    /**
     * A marker is an offset into the listing as it is at the time of each call, so an item that leaves a filtered
     * listing (IN_PROGRESS to SUCCEEDED) while a client pages shifts later pages: the client misses an item or sees
     * one twice.
     */
    OFFSET
  }

  /**
   * The order of ListPermissionSetProvisioningStatus, by {@code created_date}, then by creation. The service does
   * not document its order; newest first is the default as the likelier one for a listing of requests.
   */
  public enum ListOrder {
    NEWEST_FIRST,
    OLDEST_FIRST
  }

  /**
   * How to run a simulator.
   *
   * @param host the address to listen on, such as 127.0.0.1 or 0.0.0.0 for every interface
   * @param port the port, or 0 for any free one
   * @param seed the seed of the faults' random draws and of the starting history
   * @param threads how many calls are handled at once
   * @param tls the key and certificate to serve HTTPS with, or empty for plain HTTP
   * @param history how many finished requests each instance starts with: one in ten FAILED, the rest SUCCEEDED,
   *     to the fixture's permission sets and accounts at random, created before anything new
   * @param listLag how long a new request stays out of ListPermissionSetProvisioningStatus (describe knows it at
   *     once)
   */
  public record Options(String host, int port, Clock clock, long seed, int threads, Optional<TlsIdentity> tls,
      int history, Paging paging, ListOrder listOrder, Duration listLag) {

    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(paging, "paging");
      Objects.requireNonNull(listOrder, "listOrder");
      Objects.requireNonNull(listLag, "listLag");
      if (port < 0 || port > 65535 || threads < 1 || history < 0 || listLag.isNegative()) {
        throw new IllegalArgumentException("port 0..65535, threads 1 or more, history and list lag 0 or more");
      }
    }

    /** 127.0.0.1 on a free port, plain HTTP, the system clock, no history, keyset paging, newest first, no lag. */
    public static Options defaults() {
      return new Options("127.0.0.1", 0, Clock.systemUTC(), 42, 64, Optional.empty(), 0, Paging.KEYSET,
          ListOrder.NEWEST_FIRST, Duration.ZERO);
    }

    public Options withHost(String host) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withPort(int port) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withClock(Clock clock) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withSeed(long seed) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withTls(TlsIdentity tls) {
      return new Options(host, port, clock, seed, threads, Optional.of(tls), history, paging, listOrder, listLag);
    }

    public Options withHistory(int requests) {
      return new Options(host, port, clock, seed, threads, tls, requests, paging, listOrder, listLag);
    }

    public Options withPaging(Paging paging) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withListOrder(ListOrder listOrder) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withListLag(Duration listLag) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }
  }

  private IdentityCenterSimulator(SimulatorFixture fixture, Options options) throws IOException {
    this.options = options;
    this.clock = options.clock();
    this.state = new SimulatorState(fixture, clock, options.history(), options.seed());
    this.verifier = new SignatureVerifier(fixture.credentials(), clock);
    this.faults = new Faults(options.seed());
    this.pager = new Pager(options.paging(), options.seed());
    this.address = InetAddress.getByName(options.host());
    this.https = options.tls().isPresent();
    this.listener = new HttpListener(address, options.port(), options.tls().map(TlsIdentity::sslContext),
        options.threads(), this::handle);
  }

  public static IdentityCenterSimulator start(SimulatorFixture fixture, Options options) {
    try {
      return new IdentityCenterSimulator(fixture, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The base URL to point a client at, such as {@code http://127.0.0.1:41873} or {@code https://10.0.0.5:8443};
   * on every interface (0.0.0.0), the loopback one.
   */
  public URI endpoint() {
    InetAddress host = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    String literal = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
    return URI.create((https ? "https" : "http") + "://" + literal + ":" + listener.port());
  }


  public Faults faults() {
    return faults;
  }

  public RequestCounters counters() {
    return counters;
  }

  /** How long provisionings made from now on stay IN_PROGRESS. */
  public void provisioningLatency(Duration latency) {
    state.provisioningLatency(latency);
  }

  @Override
  public void close() {
    listener.close();
  }

  private void handle(HttpCall exchange) throws IOException {
    String operation = UNKNOWN_API;
    String requestId = UUID.randomUUID().toString().replace("-", "");
    try {
      if (!exchange.wellFormed()) {
        throw SimulatorError.gateway(400, "APIGW.0201", "Request error: the request is not valid HTTP/1.1.");
      }
      String path = Wire.decodePath(exchange.rawPath());
      Route route = ROUTES.stream()
          .filter(r -> r.method().equals(exchange.method()) && r.path().matcher(path).matches())
          .findFirst().orElse(null);
      operation = route == null ? UNKNOWN_API : route.operation();
      sleep(faults.drawLatency());
      if (faults.drawDrop()) {
        drop(exchange, operation, RequestCounters.DROPPED);
        return;
      }
      byte[] body = readBody(exchange);
      throttle();
      if (faults.drawServerError()) {
        throw serverError();
      }
      if (route == null) {
        throw SimulatorError.gateway(404, "APIGW.0101", "The API does not exist or has not been published in the "
            + "environment.");
      }
      List<Map.Entry<String, String>> query = Wire.decodeQuery(exchange.rawQuery());
      Credential caller = verifier.verify(exchange.method(), path, query, exchange.headers(), body);
      Matcher matcher = route.path().matcher(path);
      matcher.matches();
      Call call = new Call(operation, matcher, Wire.group(query), caller, body);
      authorize(call);
      ObjectNode answer = switch (operation) {
        case LIST_INSTANCES -> listInstances(call);
        case LIST_PERMISSION_SETS -> listPermissionSets(call);
        case LIST_PROVISIONING -> listProvisioning(call);
        case DESCRIBE -> describe(call);
        case PROVISION -> provision(call);
        default -> listAccounts(call);
      };
      if (PROVISION.equals(operation) && faults.drawDropAcceptedProvision()) {
        drop(exchange, operation, RequestCounters.DROPPED_AFTER_ACCEPTING);
        return;
      }
      send(exchange, operation, requestId, 200, answer);
    } catch (SimulatorError e) {
      sendError(exchange, operation, requestId, e);
    } catch (HtmlPage e) {
      sendHtml(exchange, operation, requestId, e.status);
    } catch (RuntimeException e) {
      LOG.error("Simulator failed on {} {}", exchange.method(), exchange.rawPath(), e);
      sendError(exchange, operation, requestId, SimulatorError.service(500, "IIC.500", "Internal error."));
    }
  }

  private void authorize(Call call) {
    if (LIST_INSTANCES.equals(call.operation())) {
      if (call.caller().instances().isEmpty()) {
        throw SimulatorError.service(403, "IIC.1000", "No permission for action IdentityCenter:instance:list.");
      }
      return;
    }
    String instanceId = call.pathPart(1);
    if (!call.caller().instances().contains(instanceId)) {
      if (!state.hasInstance(instanceId)) {
        throw SimulatorError.notFound("instance " + instanceId + ".");
      }
      throw SimulatorError.service(403, "IIC.1000", "No permission for action IdentityCenter:permissionSet:"
          + switch (call.operation()) {
            case PROVISION -> "provision";
            case DESCRIBE -> "describeProvisioningStatus";
            case LIST_PROVISIONING -> "listProvisioningStatus";
            case LIST_ACCOUNTS -> "listAccountsForProvisioned";
            default -> "list";
          } + ".");
    }
  }

  /** The instances the caller may act on, in the order of its credential; a key pair with none may not list. */
  private ObjectNode listInstances(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    List<String> instanceIds = call.caller().instances().stream().filter(state::hasInstance).toList();
    List<Integer> indexes = IntStream.range(0, instanceIds.size()).boxed().toList();
    Page<Integer> page = pager.page(LIST_INSTANCES + "/" + call.caller().accessKey(), indexes,
        Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode instances = answer.putArray("instances");
    for (int index : page.items()) {
      String instanceId = instanceIds.get(index);
      instances.addObject()
          .put("identity_store_id", identityStoreId(instanceId))
          .put("instance_id", instanceId)
          .putNull("alias")
          .put("instance_urn", "IdentityCenter::system:instance:" + instanceId);
    }
    pageInfo(answer, page);
    return answer;
  }

  /** {@code d-} and ten hex digits, as the API reference's example shows, the same for an instance every run. */
  private static String identityStoreId(String instanceId) {
    return "d-" + HexFormat.of().formatHex(sha256(instanceId.getBytes(StandardCharsets.UTF_8)), 0, 5);
  }

  private ObjectNode listPermissionSets(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    Optional<String> id = Wire.single(call.query(), "permission_set_id");
    Optional<String> name = Wire.single(call.query(), "name");
    Optional<String> urn = Wire.single(call.query(), "permission_urn");
    List<PermissionSet> all = state.permissionSets(call.pathPart(1));
    List<Integer> matching = IntStream.range(0, all.size()).boxed()
        .filter(i -> id.map(all.get(i).id()::equals).orElse(true))
        .filter(i -> name.map(all.get(i).name()::equals).orElse(true))
        .filter(i -> urn.map(urn(all.get(i))::equals).orElse(true))
        .toList();
    Page<Integer> page = pager.page(LIST_PERMISSION_SETS + "/" + call.pathPart(1), matching,
        Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode sets = answer.putArray("permission_sets");
    for (int index : page.items()) {
      PermissionSet set = all.get(index);
      sets.addObject()
          .put("created_date", set.createdDate())
          .put("description", set.description())
          .put("name", set.name())
          .put("permission_set_id", set.id())
          .put("relay_state", "")
          .put("session_duration", "PT1H")
          .put("permission_urn", urn(set));
    }
    pageInfo(answer, page);
    return answer;
  }

  private static String urn(PermissionSet set) {
    return "IdentityCenter::system:permissionSet:" + set.id();
  }

  private ObjectNode listProvisioning(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    Optional<String> status = Wire.single(call.query(), "status");
    status.ifPresent(s -> Wire.requireEnum("status", s, PROVISIONING_STATUSES));
    Instant now = state.now();
    String instanceId = call.pathPart(1);
    Comparator<Request> order = options.listOrder() == ListOrder.OLDEST_FIRST
        ? SimulatorState.OLDEST_FIRST : SimulatorState.OLDEST_FIRST.reversed();
    List<Request> matching = state.listedRequests(instanceId, options.listLag()).stream()
        .filter(r -> status.map(r.status(now)::equals).orElse(true))
        .sorted(order)
        .toList();
    Page<Request> page = pager.page(LIST_PROVISIONING + "/" + instanceId, matching, order, Request::seq,
        seq -> state.request(instanceId, seq), marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode list = answer.putArray("permission_sets_provisioning_status");
    for (Request request : page.items()) {
      list.addObject()
          .put("created_date", request.createdAt().toEpochMilli())
          .put("request_id", request.requestId())
          .put("status", request.status(now));
    }
    pageInfo(answer, page);
    return answer;
  }

  private ObjectNode describe(Call call) {
    String requestId = call.pathPart(2);
    if (requestId.length() != 36) {
      throw SimulatorError.badRequest("request_id must be 36 characters long.");
    }
    return provisioningStatus(state.describe(call.pathPart(1), requestId));
  }

  private ObjectNode provision(Call call) {
    JsonNode body;
    try {
      body = json.readTree(call.body());
    } catch (IOException e) {
      throw SimulatorError.badRequest("the request body is not valid JSON.");
    }
    if (body == null || !body.isObject()) {
      throw SimulatorError.badRequest("the request body must be a JSON object.");
    }
    JsonNode targetType = body.get("target_type");
    if (targetType == null || !targetType.isTextual()) {
      throw SimulatorError.badRequest("target_type is required.");
    }
    Wire.requireEnum("target_type", targetType.asText(),
        Set.of(SimulatorState.ACCOUNT, SimulatorState.ALL_PROVISIONED_ACCOUNTS));
    JsonNode targetIdNode = body.get("target_id");
    String targetId = targetIdNode == null || targetIdNode.isNull() ? null : targetIdNode.asText();
    if (SimulatorState.ACCOUNT.equals(targetType.asText()) && (targetId == null || targetId.isEmpty())) {
      throw SimulatorError.badRequest("target_id is required when target_type is ACCOUNT.");
    }
    if (SimulatorState.ALL_PROVISIONED_ACCOUNTS.equals(targetType.asText()) && targetId != null) {
      throw SimulatorError.badRequest("target_id must be omitted when target_type is ALL_PROVISIONED_ACCOUNTS.");
    }
    String instanceId = call.pathPart(1);
    String permissionSetId = call.pathPart(2);
    Request request = state.provision(instanceId, permissionSetId, targetType.asText(), targetId,
        faults.conflictOnConcurrentProvisioning());
    counters.acceptedProvision(RequestCounters.provisionKey(instanceId, permissionSetId,
        targetId == null ? SimulatorState.ALL_PROVISIONED_ACCOUNTS : targetId), instanceId + "/" + permissionSetId,
        request.inFlight());
    return provisioningStatus(request);
  }

  private ObjectNode listAccounts(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    Optional<String> status = Wire.single(call.query(), "provisioning_status");
    status.ifPresent(s -> Wire.requireEnum("provisioning_status", s, ACCOUNT_STATUSES));
    List<String> accounts = "LATEST_PERMISSION_SET_NOT_PROVISIONED".equals(status.orElse(null))
        ? List.of()
        : state.provisionedAccounts(call.pathPart(1), call.pathPart(2));
    List<Integer> indexes = IntStream.range(0, accounts.size()).boxed().toList();
    Page<Integer> page = pager.page(LIST_ACCOUNTS + "/" + call.pathPart(1) + "/" + call.pathPart(2), indexes,
        Comparator.naturalOrder(), Integer::longValue, index -> (int) index, marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode ids = answer.putArray("account_ids");
    page.items().forEach(i -> ids.add(accounts.get(i)));
    pageInfo(answer, page);
    return answer;
  }

  /** Provision and describe answer with created_date as a string: the official SDK fails on a number there. */
  private ObjectNode provisioningStatus(Request request) {
    ObjectNode answer = json.createObjectNode();
    answer.putObject("permission_set_provisioning_status")
        .put("account_id", request.accountId())
        .put("created_date", Long.toString(request.createdAt().toEpochMilli()))
        .put("failure_reason", "FAILED".equals(request.status(state.now())) ? request.failureReason() : "")
        .put("permission_set_id", request.permissionSetId())
        .put("request_id", request.requestId())
        .put("status", request.status(state.now()));
    return answer;
  }

  private static void pageInfo(ObjectNode answer, Page<?> page) {
    ObjectNode info = answer.putObject("page_info");
    if (page.nextMarker() == null) {
      info.putNull("next_marker");
    } else {
      info.put("next_marker", page.nextMarker());
    }
    info.put("current_count", page.items().size());
  }

  private void throttle() {
    if (faults.drawThrottle()) {
      throw SimulatorError.gateway(429, "APIGW.0308", "The throttling threshold has been reached: policy user "
          + "over ratelimit");
    }
    int limit = faults.rateLimitPerSecond();
    if (limit <= 0) {
      return;
    }
    long second = clock.millis() / 1000;
    synchronized (rateWindow) {
      if (rateWindow.get() != second) {
        rateWindow.set(second);
        callsInWindow.set(0);
      }
      if (callsInWindow.incrementAndGet() > limit) {
        throw SimulatorError.gateway(429, "APIGW.0308", "The throttling threshold has been reached: policy user "
            + "over ratelimit,limit:" + limit + ",time:1 second");
      }
    }
  }

  /** A 5xx as gateways and services send them: JSON from the service, sometimes an HTML page from a proxy. */
  private RuntimeException serverError() {
    return switch (faults.drawIndex(3)) {
      case 0 -> SimulatorError.service(500, "IIC.500", "Internal Server Error.");
      case 1 -> new HtmlPage(502);
      default -> SimulatorError.gateway(503, "APIGW.0203", "Service temporarily unavailable. Try again later.");
    };
  }

  /** A proxy's HTML error page instead of JSON. */
  private static final class HtmlPage extends RuntimeException {

    private final int status;

    HtmlPage(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /**
   * Errors carry {@code error_code}, {@code error_msg} and {@code request_id}, from the gateway as from the service
   * (the SDK reads the code only next to {@code error_msg}); DescribePermissionSetProvisioningStatus's 4xx and
   * ListInstances' 403 also carry {@code encoded_authorization_message}, as their pages document: opaque, and set on
   * a denial only.
   */
  private void sendError(HttpCall exchange, String operation, String requestId, SimulatorError error)
      throws IOException {
    ObjectNode body = json.createObjectNode()
        .put("error_code", error.code())
        .put("error_msg", error.getMessage())
        .put("request_id", requestId);
    if (!error.gateway() && DESCRIBE.equals(operation) && error.httpStatus() >= 400 && error.httpStatus() < 500) {
      body.put("encoded_authorization_message", error.httpStatus() == 403 ? encodedAuthorization(requestId) : "");
    }
    if (!error.gateway() && LIST_INSTANCES.equals(operation) && error.httpStatus() == 403) {
      body.put("encoded_authorization_message", encodedAuthorization(requestId));
    }
    send(exchange, operation, requestId, error.httpStatus(), body);
  }

  private static String encodedAuthorization(String requestId) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(sha256(("denied:" + requestId).getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private void sendHtml(HttpCall exchange, String operation, String requestId, int status) throws IOException {
    byte[] page = ("<html><head><title>" + status + " Bad Gateway</title></head><body><center><h1>" + status
        + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>").getBytes(StandardCharsets.UTF_8);
    respond(exchange, operation, requestId, status, "text/html", page);
  }

  private void send(HttpCall exchange, String operation, String requestId, int status, ObjectNode body)
      throws IOException {
    respond(exchange, operation, requestId, status, "application/json;charset=UTF-8", json.writeValueAsBytes(body));
  }

  private void respond(HttpCall exchange, String operation, String requestId, int status, String contentType,
      byte[] body) throws IOException {
    counters.call(operation, Integer.toString(status));
    exchange.respond(status, Map.of("Content-Type", contentType, "X-Request-Id", requestId), body);
  }

  private void drop(HttpCall exchange, String operation, String outcome) throws IOException {
    counters.call(operation, outcome);
    exchange.drop();
  }

  /**
   * A body past the limit is refused once read that far, not by its Content-Length: a client waiting with
   * {@code Expect: 100-continue} is told to go on either way, since some (the JDK's own HttpClient 17) wait for ever
   * on a final answer instead; the rest of the body is drained after the answer.
   */
  private static byte[] readBody(HttpCall exchange) throws IOException {
    byte[] body = exchange.body().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw SimulatorError.badRequest("the request body is larger than " + MAX_BODY + " bytes.");
    }
    return body;
  }

  private static void sleep(Duration latency) {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The counts so far, for tests and benchmarks. */
  public RequestCounters.Snapshot counts() {
    return counters.snapshot();
  }
}
