package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/** Reconciles a resource whose turn at a permission set has come, instead of leaving it to its next poll. */
final class TurnWakeUps extends AbstractEventSource<Void, PermissionSetProvisioning> {

  TurnWakeUps() {
    super(Void.class, "permission-set-turns");
  }

  void wakeUp(ResourceID resource) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(resource));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(PermissionSetProvisioning primary) {
    return Set.of();
  }
}
