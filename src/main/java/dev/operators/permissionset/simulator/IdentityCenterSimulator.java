package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import dev.operators.permissionset.simulator.SimulatorState.Page;
import dev.operators.permissionset.simulator.SimulatorState.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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
  public static final String UNKNOWN_API = "UnknownApi";

  private static final Logger LOG = LoggerFactory.getLogger(IdentityCenterSimulator.class);
  private static final String ID = "([^/]+)";
  private static final List<Route> ROUTES = List.of(
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

  private final HttpServer server;
  private final ExecutorService executor;
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

  /**
   * How to run a simulator.
   *
   * @param port the port on 127.0.0.1, or 0 for any free one
   * @param seed the seed of the faults' random draws
   */
  public record Options(int port, Clock clock, long seed, int threads) {

    public static Options defaults() {
      return new Options(0, Clock.systemUTC(), 42, 64);
    }

    public Options withPort(int port) {
      return new Options(port, clock, seed, threads);
    }

    public Options withClock(Clock clock) {
      return new Options(port, clock, seed, threads);
    }
  }

  private IdentityCenterSimulator(SimulatorFixture fixture, Options options) throws IOException {
    this.clock = options.clock();
    this.state = new SimulatorState(fixture, clock);
    this.verifier = new SignatureVerifier(fixture.credentials(), clock);
    this.faults = new Faults(options.seed());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 512);
    this.executor = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread thread = new Thread(r, "identity-center-simulator");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public static IdentityCenterSimulator start(SimulatorFixture fixture, Options options) {
    try {
      IdentityCenterSimulator simulator = new IdentityCenterSimulator(fixture, options);
      simulator.server.start();
      return simulator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + options.port() + ": " + e.getMessage(), e);
    }
  }

  /** The base URL to point a client at, such as {@code http://127.0.0.1:41873}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
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
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String operation = UNKNOWN_API;
    try {
      URI uri = exchange.getRequestURI();
      String path = Wire.decodePath(uri.getRawPath());
      Route route = ROUTES.stream()
          .filter(r -> r.method().equals(exchange.getRequestMethod()) && r.path().matcher(path).matches())
          .findFirst().orElse(null);
      operation = route == null ? UNKNOWN_API : route.operation();
      sleep(faults.drawLatency());
      if (faults.drawDrop()) {
        drop(exchange, operation, RequestCounters.DROPPED);
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      throttle();
      if (faults.drawServerError()) {
        throw serverError();
      }
      if (route == null) {
        throw SimulatorError.gateway(404, "APIGW.0101", "The API does not exist or has not been published in the "
            + "environment.");
      }
      List<Map.Entry<String, String>> query = Wire.decodeQuery(uri.getRawQuery());
      Credential caller = verifier.verify(exchange.getRequestMethod(), path, query, exchange.getRequestHeaders(),
          body);
      Matcher matcher = route.path().matcher(path);
      matcher.matches();
      Call call = new Call(operation, matcher, Wire.group(query), caller, body);
      authorize(call);
      ObjectNode answer = switch (operation) {
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
      send(exchange, operation, 200, answer);
    } catch (SimulatorError e) {
      sendError(exchange, operation, e);
    } catch (HtmlPage e) {
      sendHtml(exchange, operation, e.status);
    } catch (RuntimeException e) {
      LOG.error("Simulator failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
      sendError(exchange, operation, SimulatorError.service(500, "IIC.500", "Internal error."));
    }
  }

  private void authorize(Call call) {
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
    Page<Integer> page = SimulatorState.page(matching, Integer::longValue, marker, limit);
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
    List<Request> matching = state.requests(call.pathPart(1)).stream()
        .filter(r -> status.map(r.status(now)::equals).orElse(true))
        .toList();
    Page<Request> page = SimulatorState.page(matching, Request::seq, marker, limit);
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
    Page<Integer> page = SimulatorState.page(indexes, Integer::longValue, marker, limit);
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

  private void sendError(HttpExchange exchange, String operation, SimulatorError error) throws IOException {
    ObjectNode body = json.createObjectNode();
    String requestId = UUID.randomUUID().toString().replace("-", "");
    if (error.gateway()) {
      body.put("status_code", error.httpStatus())
          .put("request_id", requestId)
          .put("error_code", error.code())
          .put("error_message", error.getMessage())
          .put("encoded_authorization_message", "");
    } else {
      body.put("error_code", error.code()).put("error_msg", error.getMessage()).put("request_id", requestId);
    }
    send(exchange, operation, error.httpStatus(), body);
  }

  private void sendHtml(HttpExchange exchange, String operation, int status) throws IOException {
    byte[] page = ("<html><head><title>" + status + " Bad Gateway</title></head><body><center><h1>" + status
        + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html");
    respond(exchange, operation, status, page);
  }

  private void send(HttpExchange exchange, String operation, int status, ObjectNode body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    respond(exchange, operation, status, json.writeValueAsBytes(body));
  }

  private void respond(HttpExchange exchange, String operation, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("X-Request-Id", UUID.randomUUID().toString().replace("-", ""));
    counters.call(operation, Integer.toString(status));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Closes the connection without an answer; the JDK server drops a connection whose exchange sent no headers. */
  private void drop(HttpExchange exchange, String operation, String outcome) {
    counters.call(operation, outcome);
    exchange.close();
  }

  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
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
