package dev.operators.permissionset.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.util.Set;

/**
 * Reconciles a resource as soon as something it waits for happened (its turn at a permission set came, its request
 * finished, its call answered, its check came back), instead of leaving it to its next scheduled look; and hears from
 * JOSDK when a resource is deleted, so that what is kept for it is let go at once.
 */
public final class WakeUps<P extends HasMetadata> extends AbstractEventSource<Void, P>
    implements ResourceEventAware<P> {

  private final ResourceEventAware<P> lifecycle;

  /** @param lifecycle told when JOSDK sees a resource created, updated or deleted */
  public WakeUps(ResourceEventAware<P> lifecycle) {
    super(Void.class, "wake-ups");
    this.lifecycle = lifecycle;
  }

  public void wakeUp(ResourceID resource) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(resource));
    }
  }

  @Override
  public void onResourceCreated(P resource) {
    lifecycle.onResourceCreated(resource);
  }

  @Override
  public void onResourceUpdated(P resource, P oldResource) {
    lifecycle.onResourceUpdated(resource, oldResource);
  }

  @Override
  public void onResourceDeleted(P resource) {
    lifecycle.onResourceDeleted(resource);
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }
}
