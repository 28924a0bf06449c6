package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reconciles a resource as soon as something it waits for happened (its turn at a permission set came, its request
 * finished, its call answered), instead of leaving it to its next scheduled look; and hears from JOSDK when a
 * resource is deleted, so that what is kept for it is let go at once.
 */
final class WakeUps extends AbstractEventSource<Void, PermissionSetProvisioning>
    implements ResourceEventAware<PermissionSetProvisioning> {

  private final Consumer<PermissionSetProvisioning> deleted;

  WakeUps(Consumer<PermissionSetProvisioning> deleted) {
    super(Void.class, "wake-ups");
    this.deleted = deleted;
  }

  void wakeUp(ResourceID resource) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(resource));
    }
  }

  @Override
  public void onResourceDeleted(PermissionSetProvisioning resource) {
    deleted.accept(resource);
  }

  @Override
  public Set<Void> getSecondaryResources(PermissionSetProvisioning primary) {
    return Set.of();
  }
}
