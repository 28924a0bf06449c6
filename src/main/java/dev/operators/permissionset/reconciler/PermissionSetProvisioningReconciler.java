package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions the permission set once per spec generation and follows the request until the cloud says it
 * SUCCEEDED or FAILED. It never waits for the cloud on its thread: the request ID goes into status and the
 * resource comes back on a schedule.
 */
@ControllerConfiguration(name = PermissionSetProvisioningReconciler.NAME)
public class PermissionSetProvisioningReconciler implements Reconciler<PermissionSetProvisioning> {

  public static final String NAME = "permissionsetprovisioning";
  private static final Logger LOG = LoggerFactory.getLogger(PermissionSetProvisioningReconciler.class);

  private final IdentityCenterClientFactory clients;
  private final CredentialsResolver credentials;
  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;
  private final CloudErrors cloudErrors;
  private final ProvisioningObserver observer;

  public PermissionSetProvisioningReconciler(IdentityCenterClientFactory clients, CredentialsResolver credentials,
      ProvisioningStatusFactory statuses, ProvisioningSchedule schedule, ProvisioningObserver observer) {
    this.clients = clients;
    this.credentials = credentials;
    this.statuses = statuses;
    this.schedule = schedule;
    this.observer = observer;
    this.cloudErrors = new CloudErrors(statuses, schedule);
  }

  /** The status to write and when to come back; no delay means the resource needs nothing until it changes. */
  record Decision(PermissionSetProvisioningStatus status, Optional<Duration> comeBackAfter) {

    static Decision settled(PermissionSetProvisioningStatus status) {
      return new Decision(status, Optional.empty());
    }
  }

  @Override
  public UpdateControl<PermissionSetProvisioning> reconcile(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioningStatus observed =
        resource.getStatus() == null ? new PermissionSetProvisioningStatus() : resource.getStatus();
    Decision decision = decide(resource, observed.copy());
    return report(resource, observed, decision);
  }

  private Decision decide(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next) {
    Optional<String> problem = SpecValidator.problem(resource.getSpec());
    if (problem.isPresent()) {
      statuses.apply(resource, next, ConditionReason.INVALID_SPEC, problem.get() + ".");
      return Decision.settled(next);
    }
    boolean following = requestMadeForCurrentGeneration(resource, next);
    try {
      if (!following) {
        return provision(resource, next);
      }
      if (ProvisioningStatus.fromWire(next.getProvisioningStatus()).finished()) {
        return Decision.settled(next);
      }
      return follow(resource, next);
    } catch (CredentialsException e) {
      return cloudErrors.credentialsUnavailable(resource, next, e);
    } catch (IdentityCenterException e) {
      return cloudErrors.failedCall(resource, next, e, following);
    }
  }

  private static boolean requestMadeForCurrentGeneration(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus status) {
    return status.getRequestId() != null
        && Objects.equals(status.getRequestGeneration(), resource.getMetadata().getGeneration());
  }

  private Decision provision(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    IdentityCenterClient client = clients.forCredentials(credentials.resolve(resource));
    Optional<String> permissionSetId = resolvePermissionSet(client, spec);
    if (permissionSetId.isEmpty()) {
      statuses.apply(resource, next, ConditionReason.PERMISSION_SET_NOT_FOUND, "Instance " + spec.getInstanceId()
          + " has no permission set named '" + spec.getPermissionSetName() + "' (spec.permissionSetName); "
          + "names are case-sensitive.");
      return Decision.settled(next);
    }
    next.setPermissionSetId(permissionSetId.get());
    next.setAccountId(spec.getTargetId());
    ProvisioningRequest request = client.provision(spec.getInstanceId(), permissionSetId.get(), target(spec));
    Instant now = statuses.now();
    LOG.info("Provisioning request {} made for generation {}: {}", request.requestId(),
        resource.getMetadata().getGeneration(), request.reportedStatus());
    next.setRequestGeneration(resource.getMetadata().getGeneration());
    next.setRequestedAt(ProvisioningStatusFactory.timestamp(now));
    next.setCompletedAt(null);
    next.setFailureReason(null);
    return record(resource, next, request, now);
  }

  private Decision follow(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next) {
    IdentityCenterClient client = clients.forCredentials(credentials.resolve(resource));
    ProvisioningRequest request = client.describeProvisioning(resource.getSpec().getInstanceId(), next.getRequestId());
    return record(resource, next, request, statuses.now());
  }

  private Decision record(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ProvisioningRequest request, Instant now) {
    next.setRequestId(request.requestId());
    next.setProvisioningStatus(request.reportedStatus());
    request.accountId().ifPresent(next::setAccountId);
    request.permissionSetId().ifPresent(next::setPermissionSetId);
    String subject = "permission set " + next.getPermissionSetId() + (next.getAccountId() == null
        ? " to all accounts it is provisioned to" : " to account " + next.getAccountId());
    switch (request.status()) {
      case SUCCEEDED -> {
        next.setCompletedAt(ProvisioningStatusFactory.timestamp(now));
        statuses.apply(resource, next, ConditionReason.PROVISIONED, "Provisioned " + subject + " (request "
            + request.requestId() + ").");
        return Decision.settled(next);
      }
      case FAILED -> {
        String reason = request.failureReason().orElse("the cloud gave no reason");
        next.setCompletedAt(ProvisioningStatusFactory.timestamp(now));
        next.setFailureReason(reason);
        statuses.apply(resource, next, ConditionReason.PROVISIONING_FAILED, "Identity Center failed to provision "
            + subject + " (request " + request.requestId() + "): " + reason + " Fix the cause, then change the spec "
            + "to provision again.");
        return Decision.settled(next);
      }
      default -> {
        statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject + ": request "
            + request.requestId() + " is " + request.reportedStatus() + ".");
        return new Decision(next, Optional.of(schedule.nextPoll(Instant.parse(next.getRequestedAt()), now)));
      }
    }
  }

  private static Optional<String> resolvePermissionSet(IdentityCenterClient client,
      PermissionSetProvisioningSpec spec) {
    if (spec.getPermissionSetId() != null) {
      return Optional.of(spec.getPermissionSetId());
    }
    return client.findPermissionSetByName(spec.getInstanceId(), spec.getPermissionSetName())
        .map(permissionSet -> permissionSet.id());
  }

  private static ProvisioningTarget target(PermissionSetProvisioningSpec spec) {
    return spec.effectiveTargetType() == TargetType.ALL_PROVISIONED_ACCOUNTS
        ? ProvisioningTarget.allProvisionedAccounts()
        : ProvisioningTarget.account(spec.getTargetId());
  }

  private UpdateControl<PermissionSetProvisioning> report(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus observed, Decision decision) {
    observer.reported(resource, observed, decision.status());
    UpdateControl<PermissionSetProvisioning> control;
    if (decision.status().equals(observed)) {
      control = UpdateControl.noUpdate();
    } else {
      resource.setStatus(decision.status());
      control = UpdateControl.patchStatus(resource);
    }
    decision.comeBackAfter().ifPresent(control::rescheduleAfter);
    return control;
  }
}
