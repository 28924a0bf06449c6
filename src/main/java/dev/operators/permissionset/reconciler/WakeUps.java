package dev.operators.permissionset.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reconciles a resource as soon as something it waits for happened (its turn at a permission set came, its request
 * finished, its call answered, its check came back), instead of leaving it to its next scheduled look; and hears from
 * JOSDK when a resource is deleted, so that what is kept for it is let go at once.
 */
public final class WakeUps<P extends HasMetadata> extends AbstractEventSource<Void, P>
    implements ResourceEventAware<P> {

  private final Consumer<P> deleted;

  public WakeUps(Consumer<P> deleted) {
    super(Void.class, "wake-ups");
    this.deleted = deleted;
  }

  public void wakeUp(ResourceID resource) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(resource));
    }
  }

  @Override
  public void onResourceDeleted(P resource) {
    deleted.accept(resource);
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }
}
