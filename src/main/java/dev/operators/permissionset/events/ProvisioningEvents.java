package dev.operators.permissionset.events;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.events.EventRecorder.Type;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import dev.operators.permissionset.reconciler.StatusTransition;

/**
 * One Event per transition, with the Ready condition's reason and message: the event stream and the conditions
 * use one vocabulary. Provisioning and Provisioned are Normal; retries (Throttled, CloudUnavailable, Conflict),
 * failures and stalls are Warnings. Polls and retries that leave the state as it was write nothing.
 */
public final class ProvisioningEvents implements ProvisioningObserver {

  private final EventRecorder recorder;

  public ProvisioningEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  @Override
  public void reported(PermissionSetProvisioning resource, PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after) {
    StatusTransition.between(before, after).ifPresent(transition -> recorder.record(resource,
        type(transition.to()), transition.to().reason(), transition.message()));
  }

  static Type type(ConditionReason reason) {
    return reason == ConditionReason.PROVISIONED || reason == ConditionReason.PROVISIONING ? Type.NORMAL
        : Type.WARNING;
  }
}
