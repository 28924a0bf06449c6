package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failed call into conditions and a time to try again. Failures that can pass are retried for ever with
 * capped backoff; failures that need a spec change stall the resource until the spec changes; failures fixed
 * outside the cluster (credentials, permissions) stall it and are retried slowly.
 */
class CloudErrors {

  private static final Logger LOG = LoggerFactory.getLogger(CloudErrors.class);

  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;

  CloudErrors(ProvisioningStatusFactory statuses, ProvisioningSchedule schedule) {
    this.statuses = statuses;
    this.schedule = schedule;
  }

  /** The connection cannot be used: the resource waits for it, and is woken when it changes. */
  Decision connectionUnusable(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      Facts.ConnectionProblem problem) {
    return slowRetry(resource, next, problem.reason(), problem.message());
  }

  /**
   * @param followingRequest whether the call was about the recorded request, so a NOT_FOUND means the cloud no
   *     longer knows that request
   */
  Decision failedCall(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterException e, boolean followingRequest) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    LOG.warn("Identity Center call failed ({}): {}", e.category(), e.getMessage());
    return switch (e.category()) {
      case THROTTLED -> retry(resource, next, ConditionReason.THROTTLED, "Identity Center is throttling calls; "
          + "retrying with backoff. " + e.summary(), since -> schedule.nextRetryWhenThrottled(since,
          statuses.now(), e.retryAfter()));
      case CONFLICT -> retry(resource, next, ConditionReason.CONFLICT, "Identity Center reports a conflicting "
          + "change in progress; retrying with backoff. " + e.summary(), since -> schedule.nextRetry(since,
          statuses.now()));
      case SERVER_ERROR, UNAVAILABLE, INVALID_RESPONSE -> retry(resource, next, ConditionReason.CLOUD_UNAVAILABLE,
          "Identity Center is unavailable; retrying with backoff. " + e.summary(),
          since -> schedule.nextRetry(since, statuses.now()));
      case AUTHENTICATION_FAILED -> slowRetry(resource, next, ConditionReason.AUTHENTICATION_FAILED,
          "Identity Center rejected the credentials" + credentialsSource(resource) + ": " + e.summary()
              + " Fix the access key pair in the connection's Secret; the operator retries on its own.");
      case ACCESS_DENIED -> slowRetry(resource, next, ConditionReason.ACCESS_DENIED, "The credentials"
          + credentialsSource(resource) + " may not do this: " + e.summary() + " Grant the IAM Identity Center "
          + "permissions (for example IdentityCenter:permissionSet:provision); the operator retries on its own.");
      case PERMISSION_SET_NOT_FOUND -> lookAgainSlowly(resource, next, ConditionReason.PERMISSION_SET_NOT_FOUND,
          "Instance " + spec.getInstanceId() + " has no permission set " + next.getPermissionSetId()
              + (spec.getPermissionSetId() != null ? " (spec.permissionSetId)" : " (resolved from spec.permissionSetName)")
              + ": " + e.getMessage());
      case ACCOUNT_NOT_FOUND -> lookAgainSlowly(resource, next, ConditionReason.ACCOUNT_NOT_FOUND, "Account "
          + spec.getTargetId() + " (spec.targetId) is not an account of the organization: " + e.getMessage());
      case NOT_FOUND -> followingRequest
          ? stall(resource, next, ConditionReason.REQUEST_NOT_FOUND, "Identity Center no longer knows provisioning "
              + "request " + next.getRequestId() + ": " + e.getMessage() + " Change the spec to provision again.")
          : lookAgainSlowly(resource, next, ConditionReason.RESOURCE_NOT_FOUND, "Identity Center could not find what the spec "
              + "names; check spec.instanceId and the permission set: " + e.getMessage());
      case INVALID_REQUEST -> stall(resource, next, ConditionReason.REQUEST_REJECTED, "Identity Center rejected "
          + "the request; check spec.instanceId, the permission set and spec.targetId: " + e.getMessage());
    };
  }

  private static String credentialsSource(PermissionSetProvisioning resource) {
    return " (of " + ConnectionKey.of(resource) + ")";
  }

  private Decision stall(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ConditionReason reason, String message) {
    statuses.apply(resource, next, reason, message);
    return Decision.settled(next);
  }

  /** Stalled on something the cloud does not know, which another tool may create soon: it is looked for again. */
  Decision lookAgainSlowly(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ConditionReason reason, String message) {
    return retry(resource, next, reason, message + " The operator looks again from time to time.",
        since -> schedule.nextLookAgain(since, statuses.now()));
  }

  private Decision retry(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ConditionReason reason, String message, Function<Instant, Duration> delayFromStart) {
    Instant since = ProvisioningStatusFactory.inStateSince(next, reason).orElseGet(statuses::now);
    statuses.apply(resource, next, reason, message);
    return Decision.comeBack(next, delayFromStart.apply(since));
  }

  private Decision slowRetry(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ConditionReason reason, String message) {
    return retry(resource, next, reason, message, since -> schedule.nextSlowRetry(since, statuses.now()));
  }
}
