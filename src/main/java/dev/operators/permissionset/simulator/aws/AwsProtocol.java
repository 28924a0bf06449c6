package dev.operators.permissionset.simulator.aws;

import static dev.operators.permissionset.simulator.IdentityCenterSimulator.DESCRIBE;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.DESCRIBE_PERMISSION_SET;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_ACCOUNTS;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_INSTANCES;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_PERMISSION_SETS;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.LIST_PROVISIONING;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.PROVISION;
import static dev.operators.permissionset.simulator.IdentityCenterSimulator.UNKNOWN_API;

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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * AWS IAM Identity Center's SSO Admin protocol (awsJson1_1): {@code POST /} routed on
 * {@code X-Amz-Target: SWBExternalService.<Operation>}, SigV4 against the fixture's key pairs, the model's
 * validation, and errors as {@code {"__type": ..., "Message": ...}} with 400, or 500 for InternalServerException.
 */
public final class AwsProtocol implements Protocol {

  static final String TARGET_PREFIX = "SWBExternalService.";
  static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  /** The organization's management account the simulated instances belong to, and its callers' IAM users. */
  static final String OWNER_ACCOUNT_ID = "123456789012";
  private static final Set<String> OPERATIONS = Set.of(PROVISION, DESCRIBE, LIST_PROVISIONING, LIST_PERMISSION_SETS,
      DESCRIBE_PERMISSION_SET, LIST_ACCOUNTS, LIST_INSTANCES);
  private static final String AWS_ACCOUNT = "AWS_ACCOUNT";
  private static final List<String> TARGET_TYPES = List.of(AWS_ACCOUNT, ProvisioningRequest.ALL_PROVISIONED_ACCOUNTS);
  private static final List<String> STATUSES = List.of(ProvisioningRequest.IN_PROGRESS, ProvisioningRequest.FAILED,
      ProvisioningRequest.SUCCEEDED);
  private static final String NOT_PROVISIONED = "LATEST_PERMISSION_SET_NOT_PROVISIONED";
  private static final List<String> PROVISIONING_STATUSES = List.of("LATEST_PERMISSION_SET_PROVISIONED",
      NOT_PROVISIONED);
  /** The model gives no default page size; the simulator's is the largest allowed, as for Huawei. */
  private static final int DEFAULT_MAX_RESULTS = 100;

  private final SimulatedIdentityCenter center;
  private final SigV4Verifier verifier;
  private final Map<Credential, Integer> userNumbers = new IdentityHashMap<>();
  private final boolean https;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param region the region signatures must be scoped to
   * @param https whether the simulator serves HTTPS, the scheme the client signed for
   */
  public AwsProtocol(SimulatedIdentityCenter center, List<Credential> credentials, String region, Clock clock,
      boolean https) {
    this.center = center;
    this.verifier = new SigV4Verifier(credentials, region, clock);
    this.https = https;
    for (int i = 0; i < credentials.size(); i++) {
      userNumbers.put(credentials.get(i), i + 1);
    }
  }

  @Override
  public String operation(HttpCall call) {
    String target = call.headers().first("X-Amz-Target");
    if (!"POST".equals(call.method()) || !"/".equals(call.rawPath()) || target == null
        || !target.startsWith(TARGET_PREFIX)) {
      return UNKNOWN_API;
    }
    String operation = target.substring(TARGET_PREFIX.length());
    return OPERATIONS.contains(operation) ? operation : UNKNOWN_API;
  }

  @Override
  public Reply serve(HttpCall call, String operation, byte[] body) {
    Credential caller = null;
    try {
      if (UNKNOWN_API.equals(operation)) {
        throw AwsError.of("UnknownOperationException", "The operation "
            + Optional.ofNullable(call.headers().first("X-Amz-Target")).orElse("(no X-Amz-Target)")
            + " is not an operation of SWBExternalService, or not one that answers " + call.method() + " "
            + call.rawPath() + ".");
      }
      caller = verifier.verify(call, body, https);
      AwsInput input = AwsInput.parse(body);
      ObjectNode answer = switch (operation) {
        case PROVISION -> provision(caller, input);
        case DESCRIBE -> describe(caller, input);
        case LIST_PROVISIONING -> listProvisioning(caller, input);
        case LIST_PERMISSION_SETS -> listPermissionSets(caller, input);
        case DESCRIBE_PERMISSION_SET -> describePermissionSet(caller, input);
        case LIST_ACCOUNTS -> listAccounts(caller, input);
        default -> listInstances(caller, input);
      };
      return reply(200, answer);
    } catch (AwsError e) {
      return error(e);
    } catch (ServiceFault fault) {
      return error(translate(operation, caller, fault));
    }
  }

  @Override
  public Reply refuse(String operation, Refusal refusal) {
    return error(switch (refusal) {
      // the front door's answers, which no model documents: the simulator's choice of shapes
      case MALFORMED -> AwsError.of("SerializationException", "The request is not valid HTTP/1.1.");
      case BODY_TOO_LARGE -> AwsError.of("SerializationException", "The request body is larger than "
          + IdentityCenterSimulator.MAX_BODY + " bytes.");
      case THROTTLED, RATE_LIMITED -> AwsError.of("ThrottlingException", "Rate exceeded");
      case SERVER_ERROR, INTERNAL_ERROR -> AwsError.internal("The request processing has failed because of an "
          + "unknown error, exception or failure.");
    });
  }

  /**
   * The not-found texts are the simulator's choice (the real ones are unconfirmed); clients map on their first
   * word, the kind of resource.
   */
  private AwsError translate(String operation, Credential caller, ServiceFault fault) {
    return switch (fault.kind()) {
      case INSTANCE_NOT_FOUND -> AwsError.notFound("Instance " + fault.subject() + " not found.");
      case PERMISSION_SET_NOT_FOUND -> AwsError.notFound("PermissionSet " + fault.subject() + " not found.");
      case ACCOUNT_NOT_FOUND -> AwsError.notFound("Account " + fault.subject() + " not found.");
      case REQUEST_NOT_FOUND -> AwsError.notFound("ProvisioningRequest " + fault.subject() + " not found.");
      case CONFLICT -> AwsError.of("ConflictException", "There is a conflicting operation in process.");
      case MARKER_MALFORMED, MARKER_FOREIGN -> AwsError.of("ValidationException",
          "The NextToken is not one this listing returned.");
      case ACCESS_DENIED -> AwsError.of("AccessDeniedException", "User: arn:aws:iam::" + OWNER_ACCOUNT_ID
          + ":user/simulator-user-" + userNumbers.get(caller) + " is not authorized to perform: sso:" + operation
          + " on resource: " + (fault.subject() == null ? "arn:aws:sso:::instance/*" : fault.subject()));
    };
  }

  private ObjectNode provision(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    String permissionSetArn = input.permissionSetArn();
    Optional<String> targetType = input.enumValue("TargetType", true, TARGET_TYPES);
    Optional<String> targetId = input.accountId("TargetId");
    input.validate();
    // the service's answers to a missing or a superfluous TargetId are unconfirmed: these are the simulator's choice
    if (targetType.orElseThrow().equals(AWS_ACCOUNT) && targetId.isEmpty()) {
      throw AwsError.of("ValidationException", "TargetId is required when TargetType is AWS_ACCOUNT.");
    }
    if (!targetType.orElseThrow().equals(AWS_ACCOUNT) && targetId.isPresent()) {
      throw AwsError.of("ValidationException",
          "TargetId must be omitted when TargetType is ALL_PROVISIONED_ACCOUNTS.");
    }
    center.authorize(caller, instanceArn);
    ProvisioningRequest request = center.provision(instanceArn, permissionSetArn,
        targetId.isPresent() ? ProvisioningRequest.ACCOUNT : ProvisioningRequest.ALL_PROVISIONED_ACCOUNTS,
        targetId.orElse(null));
    return provisioningStatus(request);
  }

  private ObjectNode describe(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    String requestId = input.requestId("ProvisionPermissionSetRequestId");
    input.validate();
    center.authorize(caller, instanceArn);
    return provisioningStatus(center.describe(instanceArn, requestId));
  }

  private ObjectNode listProvisioning(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    int limit = input.maxResults(DEFAULT_MAX_RESULTS);
    Optional<String> token = input.nextToken();
    Optional<String> status = input.enumValue("Filter.Status", false, STATUSES);
    input.validate();
    center.authorize(caller, instanceArn);
    Page<ProvisioningRequest> page = center.provisioningRequests(instanceArn, status, token, limit);
    Instant now = center.now();
    ObjectNode answer = json.createObjectNode();
    ArrayNode list = answer.putArray("PermissionSetsProvisioningStatus");
    for (ProvisioningRequest request : page.items()) {
      list.addObject()
          .put("Status", request.status(now))
          .put("RequestId", request.requestId())
          .put("CreatedDate", epochSeconds(request.createdAt().toEpochMilli()));
    }
    return nextToken(answer, page);
  }

  private ObjectNode listPermissionSets(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    int limit = input.maxResults(DEFAULT_MAX_RESULTS);
    Optional<String> token = input.nextToken();
    input.validate();
    center.authorize(caller, instanceArn);
    Page<PermissionSet> page = center.permissionSets(instanceArn, set -> true, token, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode arns = answer.putArray("PermissionSets");
    page.items().forEach(set -> arns.add(set.id()));
    return nextToken(answer, page);
  }

  private ObjectNode describePermissionSet(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    String permissionSetArn = input.permissionSetArn();
    input.validate();
    center.authorize(caller, instanceArn);
    PermissionSet set = center.permissionSet(instanceArn, permissionSetArn);
    ObjectNode answer = json.createObjectNode();
    ObjectNode described = answer.putObject("PermissionSet")
        .put("Name", set.name())
        .put("PermissionSetArn", set.id());
    if (set.description() != null) {
      described.put("Description", set.description());
    }
    described.put("CreatedDate", epochSeconds(set.createdDate())).put("SessionDuration", "PT1H");
    return answer;
  }

  private ObjectNode listAccounts(Credential caller, AwsInput input) {
    String instanceArn = input.instanceArn();
    String permissionSetArn = input.permissionSetArn();
    Optional<String> status = input.enumValue("ProvisioningStatus", false, PROVISIONING_STATUSES);
    int limit = input.maxResults(DEFAULT_MAX_RESULTS);
    Optional<String> token = input.nextToken();
    input.validate();
    center.authorize(caller, instanceArn);
    Page<String> page = center.provisionedAccounts(instanceArn, permissionSetArn,
        status.map(value -> NOT_PROVISIONED.equals(value) ? Copy.OUTDATED : Copy.LATEST), token, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode ids = answer.putArray("AccountIds");
    page.items().forEach(ids::add);
    return nextToken(answer, page);
  }

  /** The instances the caller may act on: the operator's cheap check of its access. */
  private ObjectNode listInstances(Credential caller, AwsInput input) {
    int limit = input.maxResults(DEFAULT_MAX_RESULTS);
    Optional<String> token = input.nextToken();
    input.validate();
    Page<String> page = center.instances(caller, token, limit);
    ObjectNode answer = json.createObjectNode();
    ArrayNode instances = answer.putArray("Instances");
    for (String instanceArn : page.items()) {
      instances.addObject()
          .put("InstanceArn", instanceArn)
          .put("IdentityStoreId", identityStoreId(instanceArn))
          .put("OwnerAccountId", OWNER_ACCOUNT_ID)
          .put("Name", instanceArn.substring(instanceArn.lastIndexOf('/') + 1))
          .put("Status", "ACTIVE")
          .put("CreatedDate", epochSeconds(1_677_175_760_379L));
    }
    return nextToken(answer, page);
  }

  /** Status, RequestId, the account of an AWS_ACCOUNT target, the set, CreatedDate, and the reason of a failure. */
  private ObjectNode provisioningStatus(ProvisioningRequest request) {
    String status = request.status(center.now());
    ObjectNode answer = json.createObjectNode();
    ObjectNode provisioning = answer.putObject("PermissionSetProvisioningStatus")
        .put("Status", status)
        .put("RequestId", request.requestId());
    if (request.accountId() != null) {
      provisioning.put("AccountId", request.accountId());
    }
    provisioning.put("PermissionSetArn", request.permissionSetId())
        .put("CreatedDate", epochSeconds(request.createdAt().toEpochMilli()));
    if (ProvisioningRequest.FAILED.equals(status)) {
      provisioning.put("FailureReason", request.failureReason());
    }
    return answer;
  }

  private static ObjectNode nextToken(ObjectNode answer, Page<?> page) {
    if (page.nextMarker() != null) {
      answer.put("NextToken", page.nextMarker());
    }
    return answer;
  }

  /** awsJson's timestamps: epoch seconds, a fractional JSON number. */
  private static BigDecimal epochSeconds(long epochMillis) {
    return BigDecimal.valueOf(epochMillis, 3);
  }

  /** {@code d-} and ten hex digits, the same for an instance every run. */
  private static String identityStoreId(String instanceArn) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(instanceArn.getBytes(StandardCharsets.UTF_8));
      return "d-" + HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private Reply error(AwsError error) {
    ObjectNode body = json.createObjectNode()
        .put("__type", AwsError.NAMESPACE + error.type())
        .put("Message", error.getMessage());
    return reply(error.httpStatus(), body);
  }

  private Reply reply(int status, ObjectNode body) {
    try {
      return new Reply(status, Map.of("Content-Type", CONTENT_TYPE, "x-amzn-RequestId", UUID.randomUUID().toString()),
          json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
