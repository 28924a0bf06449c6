package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;

/**
 * Reconciles a resource as soon as something it waits for happened (its turn at a permission set came, its request
 * finished), instead of leaving it to its next scheduled look.
 */
final class WakeUps extends AbstractEventSource<Void, PermissionSetProvisioning> {

  WakeUps() {
    super(Void.class, "wake-ups");
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
