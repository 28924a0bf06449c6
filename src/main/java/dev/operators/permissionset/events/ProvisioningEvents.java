package dev.operators.permissionset.events;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.events.EventRecorder.Type;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import dev.operators.permissionset.reconciler.StatusTransition;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Optional;

/**
 * One Event per transition, with the Ready condition's reason and message: the event stream and the conditions
 * use one vocabulary. Provisioning and Provisioned are Normal; retries (Throttled, CloudUnavailable, Conflict),
 * failures and stalls are Warnings. Polls and retries that leave the state as it was write nothing. The UpToDate
 * condition tells when the target came to hold an out-of-date copy (a Warning) and when it holds the latest again.
 */
public final class ProvisioningEvents implements ProvisioningObserver {

  private static final String UP_TO_DATE = "UpToDate";

  private final EventRecorder recorder;

  public ProvisioningEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void reported(PermissionSetProvisioning resource, PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    StatusTransition.between(before, after).ifPresent(transition -> recorder.record(resource,
        type(transition.to()), transition.to().reason(), transition.message()));
    Optional<String> was = before.condition(UP_TO_DATE).map(Condition::getStatus);
    // provisioned again (on drift or request): the check after it tells that the copy is the latest once more
    boolean again = after.getRequestTrigger() != null && after.getRequestTrigger() != ProvisioningTrigger.Spec;
    after.condition(UP_TO_DATE).filter(c -> "False".equals(c.getStatus()) && !was.equals(Optional.of("False"))
            || "True".equals(c.getStatus()) && (was.equals(Optional.of("False"))
                || again && !was.equals(Optional.of("True"))))
        .ifPresent(c -> recorder.record(resource, "False".equals(c.getStatus()) ? Type.WARNING : Type.NORMAL,
            c.getReason(), c.getMessage()));
  }

  static Type type(ConditionReason reason) {
    return reason == ConditionReason.PROVISIONED || reason == ConditionReason.PROVISIONING ? Type.NORMAL
        : Type.WARNING;
  }
}
