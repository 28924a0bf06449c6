package dev.operators.permissionset.simulator.huawei;

import static dev.operators.permissionset.simulator.IdentityCenterSimulator.DESCRIBE;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_ACCOUNTS;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_INSTANCES;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_PERMISSION_SETS;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_PROVISIONING;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.PROVISION;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.UNKNOWN_API;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.operators.permissionset.simulator.HttpCall;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.Page;
import dev.operators.permissionset.simulator.Protocol;
import dev.operators.permissionset.simulator.ProvisioningRequest;
import dev.operators.permissionset.simulator.Reply;
import dev.operators.permissionset.simulator.ServiceFault;
import dev.operators.permissionset.simulator.SimulatedIdentityCenter;
import dev.operators.permissionset.simulator.SimulatedIdentityCenter.Copy;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.PermissionSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Huawei Cloud IAM Identity Center's REST protocol with real AK/SK signatures: the wire shapes, validation and
 * errors of the published API pages, from the service and from the API gateway in front of it.
 */
public final class HuaweiProtocol implements Protocol {

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
  private static final Set<String> PROVISIONING_STATUSES = Set.of(ProvisioningRequest.IN_PROGRESS,
      ProvisioningRequest.SUCCEEDED, ProvisioningRequest.FAILED);
  private static final String NOT_PROVISIONED = "LATEST_PERMISSION_SET_NOT_PROVISIONED";
  private static final Set<String> ACCOUNT_STATUSES = Set.of("LATEST_PERMISSION_SET_PROVISIONED", NOT_PROVISIONED);

  private final SimulatedIdentityCenter center;
  private final SignatureVerifier verifier;
  private final ObjectMapper json = new ObjectMapper();

  private record Route(String method, Pattern path, String operation) {
  }

  private record Call(String operation, Matcher path, Map<String, List<String>> query, Credential caller,
      byte[] body) {

    String pathPart(int group) {
      return path.group(group);
    }
  }

  public HuaweiProtocol(SimulatedIdentityCenter center, List<Credential> credentials, Clock clock) {
    this.center = center;
    this.verifier = new SignatureVerifier(credentials, clock);
  }

  @Override
  public String operation(HttpCall call) {
    String path;
    try {
      path = Wire.decodePath(call.rawPath());
    } catch (HuaweiError e) {
      return UNKNOWN_API;
    }
    return route(call.method(), path).map(Route::operation).orElse(UNKNOWN_API);
  }

  private static Optional<Route> route(String method, String path) {
    return ROUTES.stream().filter(r -> r.method().equals(method) && r.path().matcher(path).matches()).findFirst();
  }

  @Override
  public Reply serve(HttpCall exchange, String operation, byte[] body) {
    try {
      String path = Wire.decodePath(exchange.rawPath());
      Route route = route(exchange.method(), path).orElseThrow(() -> HuaweiError.gateway(404, "APIGW.0101",
          "The API does not exist or has not been published in the environment."));
      List<Map.Entry<String, String>> query = Wire.decodeQuery(exchange.rawQuery());
      Credential caller = verifier.verify(exchange.method(), path, query, exchange.headers(), body);
      Matcher matcher = route.path().matcher(path);
      matcher.matches();
      Call call = new Call(operation, matcher, Wire.group(query), caller, body);
      if (LIST_INSTANCES.equals(operation)) {
        center.authorizeListing(caller);
      } else {
        center.authorize(caller, call.pathPart(1));
      }
      ObjectNode answer = switch (operation) {
        case LIST_INSTANCES -> listInstances(call);
        case LIST_PERMISSION_SETS -> listPermissionSets(call);
        case LIST_PROVISIONING -> listProvisioning(call);
        case DESCRIBE -> describe(call);
        case PROVISION -> provision(call);
        default -> listAccounts(call);
      };
      return reply(200, answer);
    } catch (HuaweiError e) {
      return error(operation, e);
    } catch (ServiceFault fault) {
      return error(operation, translate(operation, fault));
    }
  }

  @Override
  public Reply refuse(String operation, Refusal refusal) {
    return switch (refusal) {
      case MALFORMED -> error(operation, HuaweiError.gateway(400, "APIGW.0201",
          "Request error: the request is not valid HTTP/1.1."));
      case BODY_TOO_LARGE -> error(operation, HuaweiError.badRequest("the request body is larger than "
          + IdentityCenterSimulator.MAX_BODY + " bytes."));
      case THROTTLED -> error(operation, HuaweiError.gateway(429, "APIGW.0308",
          "The throttling threshold has been reached: policy user over ratelimit"));
      case RATE_LIMITED -> error(operation, HuaweiError.gateway(429, "APIGW.0308",
          "The throttling threshold has been reached: policy user over ratelimit,limit:"
              + center.rateLimitPerSecond() + ",time:1 second"));
      case SERVER_ERROR -> serverError(operation);
      case INTERNAL_ERROR -> error(operation, HuaweiError.service(500, "IIC.500", "Internal error."));
    };
  }

  /** A 5xx as gateways and services send them: JSON from the service, sometimes an HTML page from a proxy. */
  private Reply serverError(String operation) {
    return switch (center.draw(3)) {
      case 0 -> error(operation, HuaweiError.service(500, "IIC.500", "Internal Server Error."));
      case 1 -> htmlPage(502);
      default -> error(operation, HuaweiError.gateway(503, "APIGW.0203",
          "Service temporarily unavailable. Try again later."));
    };
  }

  private static HuaweiError translate(String operation, ServiceFault fault) {
    return switch (fault.kind()) {
      case INSTANCE_NOT_FOUND -> HuaweiError.notFound("instance " + fault.subject() + ".");
      case PERMISSION_SET_NOT_FOUND -> HuaweiError.service(404, "IIC.1205", "The permission set does not exist.");
      case ACCOUNT_NOT_FOUND -> HuaweiError.service(400, "IIC.1210", "Account not found.");
      case REQUEST_NOT_FOUND -> HuaweiError.notFound("provisioning request " + fault.subject() + ".");
      case CONFLICT -> HuaweiError.service(409, "IIC.1006", "Concurrency conflicts. Try again later.");
      case MARKER_MALFORMED -> HuaweiError.badRequest(HuaweiError.MALFORMED_MARKER);
      case MARKER_FOREIGN -> HuaweiError.badRequest("marker is not a next_marker this listing returned.");
      case ACCESS_DENIED -> HuaweiError.service(403, "IIC.1000", "No permission for action IdentityCenter:"
          + switch (operation) {
            case LIST_INSTANCES -> "instance:list";
            case PROVISION -> "permissionSet:provision";
            case DESCRIBE -> "permissionSet:describeProvisioningStatus";
            case LIST_PROVISIONING -> "permissionSet:listProvisioningStatus";
            case LIST_ACCOUNTS -> "permissionSet:listAccountsForProvisioned";
            default -> "permissionSet:list";
          } + ".");
    };
  }

  /** The instances the caller may act on, in the order of its credential; a key pair with none may not list. */
  private ObjectNode listInstances(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    Page<String> page = center.instances(call.caller(), marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode instances = answer.putArray("instances");
    for (String instanceId : page.items()) {
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
    Page<PermissionSet> page = center.permissionSets(call.pathPart(1), set ->
        id.map(set.id()::equals).orElse(true)
            && name.map(set.name()::equals).orElse(true)
            && urn.map(urn(set)::equals).orElse(true), marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode sets = answer.putArray("permission_sets");
    for (PermissionSet set : page.items()) {
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
    Page<ProvisioningRequest> page = center.provisioningRequests(call.pathPart(1), status, marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode list = answer.putArray("permission_sets_provisioning_status");
    for (ProvisioningRequest request : page.items()) {
      list.addObject()
          .put("created_date", request.createdAt().toEpochMilli())
          .put("request_id", request.requestId())
          .put("status", request.status(center.now()));
    }
    pageInfo(answer, page);
    return answer;
  }

  private ObjectNode describe(Call call) {
    String requestId = call.pathPart(2);
    if (requestId.length() != 36) {
      throw HuaweiError.badRequest("request_id must be 36 characters long.");
    }
    return provisioningStatus(center.describe(call.pathPart(1), requestId));
  }

  private ObjectNode provision(Call call) {
    JsonNode body;
    try {
      body = json.readTree(call.body());
    } catch (IOException e) {
      throw HuaweiError.badRequest("the request body is not valid JSON.");
    }
    if (body == null || !body.isObject()) {
      throw HuaweiError.badRequest("the request body must be a JSON object.");
    }
    JsonNode targetType = body.get("target_type");
    if (targetType == null || !targetType.isTextual()) {
      throw HuaweiError.badRequest("target_type is required.");
    }
    Wire.requireEnum("target_type", targetType.asText(),
        Set.of(ProvisioningRequest.ACCOUNT, ProvisioningRequest.ALL_PROVISIONED_ACCOUNTS));
    JsonNode targetIdNode = body.get("target_id");
    String targetId = targetIdNode == null || targetIdNode.isNull() ? null : targetIdNode.asText();
    if (ProvisioningRequest.ACCOUNT.equals(targetType.asText()) && (targetId == null || targetId.isEmpty())) {
      throw HuaweiError.badRequest("target_id is required when target_type is ACCOUNT.");
    }
    if (ProvisioningRequest.ALL_PROVISIONED_ACCOUNTS.equals(targetType.asText()) && targetId != null) {
      throw HuaweiError.badRequest("target_id must be omitted when target_type is ALL_PROVISIONED_ACCOUNTS.");
    }
    return provisioningStatus(center.provision(call.pathPart(1), call.pathPart(2), targetType.asText(), targetId));
  }

  private ObjectNode listAccounts(Call call) {
    int limit = Wire.limit(call.query());
    Optional<String> marker = Wire.marker(call.query());
    Optional<String> status = Wire.single(call.query(), "provisioning_status");
    status.ifPresent(s -> Wire.requireEnum("provisioning_status", s, ACCOUNT_STATUSES));
    Page<String> page = center.provisionedAccounts(call.pathPart(1), call.pathPart(2),
        status.map(value -> NOT_PROVISIONED.equals(value) ? Copy.OUTDATED : Copy.LATEST), marker, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode ids = answer.putArray("account_ids");
    page.items().forEach(ids::add);
    pageInfo(answer, page);
    return answer;
  }

  /** Provision and describe answer with created_date as a string: the official SDK fails on a number there. */
  private ObjectNode provisioningStatus(ProvisioningRequest request) {
    String status = request.status(center.now());
    ObjectNode answer = json.createObjectNode();
    answer.putObject("permission_set_provisioning_status")
        .put("account_id", request.accountId())
        .put("created_date", Long.toString(request.createdAt().toEpochMilli()))
        .put("failure_reason", ProvisioningRequest.FAILED.equals(status) ? request.failureReason() : "")
        .put("permission_set_id", request.permissionSetId())
        .put("request_id", request.requestId())
        .put("status", status);
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

  /**
   * Errors carry {@code error_code}, {@code error_msg} and {@code request_id}, from the gateway as from the service
   * (the SDK reads the code only next to {@code error_msg}); DescribePermissionSetProvisioningStatus's 4xx and
   * ListInstances' 403 also carry {@code encoded_authorization_message}, as their pages document: opaque, and set on
   * a denial only.
   */
  private Reply error(String operation, HuaweiError error) {
    String requestId = requestId();
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
    return reply(error.httpStatus(), requestId, body);
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

  /** A proxy's HTML error page instead of JSON. */
  private static Reply htmlPage(int status) {
    byte[] page = ("<html><head><title>" + status + " Bad Gateway</title></head><body><center><h1>" + status
        + " Bad Gateway</h1></center><hr><center>nginx</center></body></html>").getBytes(StandardCharsets.UTF_8);
    return new Reply(status, Map.of("Content-Type", "text/html", "X-Request-Id", requestId()), page);
  }

  private Reply reply(int status, ObjectNode body) {
    return reply(status, requestId(), body);
  }

  private Reply reply(int status, String requestId, ObjectNode body) {
    try {
      return new Reply(status, Map.of("Content-Type", "application/json;charset=UTF-8", "X-Request-Id", requestId),
          json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String requestId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
