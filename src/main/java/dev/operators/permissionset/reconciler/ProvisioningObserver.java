package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told of every status the reconciler reports, together with the status it replaces, so that events and metrics
 * can derive transitions ({@link StatusTransition#between}) without the reconciler knowing about them. Called on
 * the reconcile thread: implementations return quickly.
 */
@FunctionalInterface
public interface ProvisioningObserver {

  /**
   * @param before the status the resource had when the reconcile began (empty, never null, on the first visit)
   * @param after the status the reconcile decided on; equal to {@code before} when nothing changed
   */
  void reported(PermissionSetProvisioning resource, PermissionSetProvisioningStatus before,
      PermissionSetProvisioningStatus after);

  /**
   * All of {@code observers}, in order. A failing observer is logged and skipped: observing never fails a
   * reconcile.
   */
  static ProvisioningObserver all(List<? extends ProvisioningObserver> observers) {
    List<ProvisioningObserver> each = List.copyOf(observers);
    Logger log = LoggerFactory.getLogger(ProvisioningObserver.class);
    return (resource, before, after) -> {
      for (ProvisioningObserver observer : each) {
        try {
          observer.reported(resource, before, after);
        } catch (RuntimeException e) {
          log.warn("Could not record the status change ({}): {}", observer.getClass().getSimpleName(), e.toString());
        }
      }
    };
  }
}
