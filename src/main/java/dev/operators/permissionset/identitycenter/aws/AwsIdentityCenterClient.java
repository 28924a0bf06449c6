package dev.operators.permissionset.identitycenter.aws;

import static dev.operators.permissionset.identitycenter.CloudOperation.DESCRIBE_PERMISSION_SET;
import static dev.operators.permissionset.identitycenter.CloudOperation.DESCRIBE_PROVISIONING;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_ACCOUNTS;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_INSTANCES;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_PERMISSION_SETS;
import static dev.operators.permissionset.identitycenter.CloudOperation.LIST_PROVISIONING;
import static dev.operators.permissionset.identitycenter.CloudOperation.PROVISION;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.ssoadmin.model.DescribePermissionSetProvisioningStatusResponse;
import software.amazon.awssdk.services.ssoadmin.model.DescribePermissionSetResponse;
import software.amazon.awssdk.services.ssoadmin.model.ListAccountsForProvisionedPermissionSetResponse;
import software.amazon.awssdk.services.ssoadmin.model.ListPermissionSetProvisioningStatusResponse;
import software.amazon.awssdk.services.ssoadmin.model.ListPermissionSetsResponse;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSetProvisioningStatus;
import software.amazon.awssdk.services.ssoadmin.model.PermissionSetProvisioningStatusMetadata;
import software.amazon.awssdk.services.ssoadmin.model.ProvisionPermissionSetResponse;
import software.amazon.awssdk.services.ssoadmin.model.ProvisionTargetType;
import software.amazon.awssdk.services.ssoadmin.model.StatusValues;

/**
 * AWS IAM Identity Center through the SDK's SsoAdminClient, which signs with SigV4 and never retries on its own.
 * Made by {@link AwsIdentityCenterClientFactory#forConnection}; immutable and safe to share between threads.
 *
 * <p>IDs are the ones AWS users write: the instance ARN, the permission set ARN, the 12-digit account ID. A status
 * the SDK does not know (UNKNOWN_TO_SDK_VERSION) is still in progress, and reported as the cloud spelled it.
 */
public final class AwsIdentityCenterClient implements IdentityCenterClient {


  static final int PAGE_SIZE = 100;
  /** 100,000 permission sets at 100 a page, far beyond any instance's quota: a cloud that pages on is broken. */
  static final int MAX_PAGES = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(AwsIdentityCenterClient.class);

  private final SsoAdminClient sso;
  private final CloudAccess.Aws access;
  private final Optional<CallRateLimiter> rateLimiter;
  private final AwsErrorTranslator errors;
  private final PermissionSetNames names;
  private final BooleanSupplier released;
  private final Optional<String> requestProblem;

  /**
   * @param released whether the factory was closed or the connection released, after which nothing is sent
   * @param requestProblem why every call is refused before it is sent, if it is
   */
  AwsIdentityCenterClient(SsoAdminClient sso, CloudAccess.Aws access, Optional<CallRateLimiter> rateLimiter,
      AwsErrorTranslator errors, PermissionSetNames names, BooleanSupplier released,
      Optional<String> requestProblem) {
    this.sso = sso;
    this.access = access;
    this.rateLimiter = rateLimiter;
    this.errors = errors;
    this.names = names;
    this.released = released;
    this.requestProblem = requestProblem;
  }

  @Override
  public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
    Objects.requireNonNull(target, "target");
    String instanceArn = required(PROVISION, "instanceId", instanceId);
    String permissionSetArn = required(PROVISION, "permissionSetId", permissionSetId);
    ProvisionPermissionSetResponse answer = call(PROVISION, () -> sso.provisionPermissionSet(request -> request
        .instanceArn(instanceArn)
        .permissionSetArn(permissionSetArn)
        .targetType(target.type() == ProvisioningTarget.Type.ACCOUNT ? ProvisionTargetType.AWS_ACCOUNT
            : ProvisionTargetType.ALL_PROVISIONED_ACCOUNTS)
        .targetId(target.accountId().orElse(null))));
    return provisioningRequest(PROVISION, answer, answer.permissionSetProvisioningStatus());
  }

  @Override
  public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
    String instanceArn = required(DESCRIBE_PROVISIONING, "instanceId", instanceId);
    String provisioningRequestId = required(DESCRIBE_PROVISIONING, "requestId", requestId);
    DescribePermissionSetProvisioningStatusResponse answer = call(DESCRIBE_PROVISIONING, () ->
        sso.describePermissionSetProvisioningStatus(request -> request
            .instanceArn(instanceArn)
            .provisionPermissionSetRequestId(provisioningRequestId)));
    return provisioningRequest(DESCRIBE_PROVISIONING, answer, answer.permissionSetProvisioningStatus());
  }

  @Override
  public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
      Optional<String> marker) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(marker, "marker");
    String instanceArn = required(LIST_PROVISIONING, "instanceId", instanceId);
    ListPermissionSetProvisioningStatusResponse page = call(LIST_PROVISIONING, () ->
        sso.listPermissionSetProvisioningStatus(request -> {
          request.instanceArn(instanceArn).maxResults(PAGE_SIZE);
          marker.filter(value -> !value.isBlank()).ifPresent(request::nextToken);
          status.ifPresent(value -> request.filter(filter -> filter.status(StatusValues.fromValue(value.name()))));
        }));
    List<ProvisioningSummary> summaries = new ArrayList<>();
    for (PermissionSetProvisioningStatusMetadata entry : page.permissionSetsProvisioningStatus()) {
      String requestId = requiredInAnswer(LIST_PROVISIONING, page, entry.requestId(),
          "PermissionSetsProvisioningStatus[].RequestId");
      String reported = requiredInAnswer(LIST_PROVISIONING, page, entry.statusAsString(),
          "PermissionSetsProvisioningStatus[].Status");
      summaries.add(new ProvisioningSummary(requestId, status(entry.status()), reported,
          Optional.ofNullable(entry.createdDate())));
    }
    return new Page<>(summaries, nonBlank(page.nextToken()));
  }

  @Override
  public Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status, Optional<String> marker) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(marker, "marker");
    String instanceArn = required(LIST_ACCOUNTS, "instanceId", instanceId);
    String permissionSetArn = required(LIST_ACCOUNTS, "permissionSetId", permissionSetId);
    ListAccountsForProvisionedPermissionSetResponse page = call(LIST_ACCOUNTS, () ->
        sso.listAccountsForProvisionedPermissionSet(request -> {
          request.instanceArn(instanceArn).permissionSetArn(permissionSetArn).maxResults(PAGE_SIZE);
          status.ifPresent(value -> request.provisioningStatus(value.name()));
          marker.filter(value -> !value.isBlank()).ifPresent(request::nextToken);
        }));
    List<String> accountIds = new ArrayList<>();
    for (String accountId : page.accountIds()) {
      accountIds.add(requiredInAnswer(LIST_ACCOUNTS, page, accountId, "AccountIds[]"));
    }
    return new Page<>(accountIds, nonBlank(page.nextToken()));
  }

  /**
   * Reads every page of ListPermissionSets until the name is found. The sets of a page already described are
   * checked first; only the others are described, once for the factory's life.
   */
  @Override
  public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
    String instanceArn = required(LIST_PERMISSION_SETS, "instanceId", instanceId);
    String exactName = required(LIST_PERMISSION_SETS, "name", name);
    Set<String> seenTokens = new HashSet<>();
    Optional<String> nextToken = Optional.empty();
    for (int pages = 1; ; pages++) {
      Optional<String> token = nextToken;
      ListPermissionSetsResponse page = call(LIST_PERMISSION_SETS, () -> sso.listPermissionSets(request -> {
        request.instanceArn(instanceArn).maxResults(PAGE_SIZE);
        token.ifPresent(request::nextToken);
      }));
      Optional<PermissionSet> found = find(instanceArn, exactName, page.permissionSets());
      nextToken = nonBlank(page.nextToken());
      if (found.isPresent() || nextToken.isEmpty()) {
        return found;
      }
      if (!seenTokens.add(nextToken.get())) {
        throw invalidResponse(LIST_PERMISSION_SETS, page, "the cloud returned the NextToken '" + nextToken.get()
            + "' a second time; stopped paging to avoid an endless loop");
      }
      if (pages >= MAX_PAGES) {
        throw invalidResponse(LIST_PERMISSION_SETS, page, "the cloud kept returning pages after " + MAX_PAGES
            + " pages of " + PAGE_SIZE + " permission sets; stopped paging");
      }
    }
  }

  /** ListInstances for a single instance: the smallest answer that needs valid credentials and the permission. */
  @Override
  public void checkAccess() {
    call(LIST_INSTANCES, () -> sso.listInstances(request -> request.maxResults(1)));
  }

  private Optional<PermissionSet> find(String instanceArn, String name, List<String> permissionSetArns) {
    List<String> unknown = new ArrayList<>();
    for (String arn : permissionSetArns) {
      Optional<PermissionSet> known = names.described(access, instanceArn, arn);
      if (known.isEmpty()) {
        unknown.add(arn);
      } else if (known.get().name().equals(name)) {
        return known;
      }
    }
    for (String arn : unknown) {
      Optional<PermissionSet> described = describePermissionSet(instanceArn, arn);
      described.ifPresent(permissionSet -> names.remember(access, instanceArn, permissionSet));
      if (described.filter(permissionSet -> permissionSet.name().equals(name)).isPresent()) {
        return described;
      }
    }
    return Optional.empty();
  }

  /** The permission set, or none when it was deleted between the listing and now. */
  private Optional<PermissionSet> describePermissionSet(String instanceArn, String permissionSetArn) {
    DescribePermissionSetResponse answer;
    try {
      answer = call(DESCRIBE_PERMISSION_SET, () -> sso.describePermissionSet(request -> request
          .instanceArn(instanceArn)
          .permissionSetArn(permissionSetArn)));
    } catch (IdentityCenterException e) {
      if (e.category() == ErrorCategory.PERMISSION_SET_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
    if (answer.permissionSet() == null) {
      throw invalidResponse(DESCRIBE_PERMISSION_SET, answer, "the answer has no PermissionSet");
    }
    String name = requiredInAnswer(DESCRIBE_PERMISSION_SET, answer, answer.permissionSet().name(),
        "PermissionSet.Name");
    String arn = nonBlank(answer.permissionSet().permissionSetArn()).orElse(permissionSetArn);
    return Optional.of(new PermissionSet(arn, name, nonBlank(answer.permissionSet().description())));
  }

  private ProvisioningRequest provisioningRequest(String operation, SdkResponse answer,
      PermissionSetProvisioningStatus status) {
    if (status == null) {
      throw invalidResponse(operation, answer, "the answer has no PermissionSetProvisioningStatus");
    }
    String requestId = requiredInAnswer(operation, answer, status.requestId(),
        "PermissionSetProvisioningStatus.RequestId");
    String reported = requiredInAnswer(operation, answer, status.statusAsString(),
        "PermissionSetProvisioningStatus.Status");
    ProvisioningStatus known = status(status.status());
    return new ProvisioningRequest(requestId, known, reported, nonBlank(status.accountId()),
        nonBlank(status.permissionSetArn()),
        known == ProvisioningStatus.FAILED ? nonBlank(status.failureReason()) : Optional.empty(),
        Optional.ofNullable(status.createdDate()));
  }

  /** Anything but SUCCEEDED and FAILED, UNKNOWN_TO_SDK_VERSION included, is still in progress. */
  private static ProvisioningStatus status(StatusValues status) {
    if (status == StatusValues.SUCCEEDED) {
      return ProvisioningStatus.SUCCEEDED;
    }
    if (status == StatusValues.FAILED) {
      return ProvisioningStatus.FAILED;
    }
    return ProvisioningStatus.IN_PROGRESS;
  }

  /** Sends one call after the operator's own rate limit, and translates its failure. */
  private <T extends SdkResponse> T call(String operation, Supplier<T> send) {
    if (released.getAsBoolean()) {
      throw new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null,
          "the AWS client of this connection was released or its factory closed; the call was not sent", null,
          null);
    }
    requestProblem.ifPresent(problem -> {
      throw new IdentityCenterException(operation, ErrorCategory.INVALID_REQUEST, 0, null, problem, null, null);
    });
    CallRateLimiter.awaitTurn(rateLimiter, operation);
    T answer;
    try {
      answer = send.get();
    } catch (SdkException | CredentialsSource.Failure e) {
      IdentityCenterException failure = errors.translate(operation, e);
      if (failure.httpStatus() > 0) {
        LOG.debug("{} answered HTTP {}, x-amzn-RequestId {}", operation, failure.httpStatus(),
            failure.cloudRequestId().orElse("none"));
        rateLimiter.ifPresent(limiter -> {
          if (failure.category() == ErrorCategory.THROTTLED) {
            limiter.throttled();
          } else {
            limiter.answered();
          }
        });
      }
      throw failure;
    }
    LOG.debug("{} answered HTTP {}, x-amzn-RequestId {}", operation, answer.sdkHttpResponse().statusCode(),
        requestId(answer));
    rateLimiter.ifPresent(CallRateLimiter::answered);
    return answer;
  }


  private String requiredInAnswer(String operation, SdkResponse answer, String value, String member) {
    return nonBlank(value).orElseThrow(() -> invalidResponse(operation, answer, "the answer has no " + member));
  }

  private IdentityCenterException invalidResponse(String operation, SdkResponse answer, String problem) {
    return new IdentityCenterException(operation, ErrorCategory.INVALID_RESPONSE, 0, null, errors.redact(problem),
        null, requestId(answer), null);
  }

  private static String requestId(SdkResponse answer) {
    return answer.sdkHttpResponse().firstMatchingHeader("x-amzn-RequestId").orElse(null);
  }

  private static String required(String operation, String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IdentityCenterException(operation, ErrorCategory.INVALID_REQUEST, 0, null,
          field + " must not be blank", null, null);
    }
    return value;
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }
}
