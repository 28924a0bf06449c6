package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import java.util.List;
import java.util.Optional;

/**
 * Which cached resources have a request in flight for which permission set, as their status says: what the turns
 * rebuild themselves from after a restart, when no turn has been granted yet.
 */
final class InFlightIndex implements PermissionSetTurns.ResourceView {

  private static final String NAME = "in-flight-by-permission-set";

  private final IndexerResourceCache<PermissionSetProvisioning> resources;

  InFlightIndex(IndexerResourceCache<PermissionSetProvisioning> resources) {
    this.resources = resources;
    resources.addIndexer(NAME, resource -> key(resource).map(key -> List.of(key.indexValue())).orElse(List.of()));
  }

  /** A request is recorded and not finished: the cloud works on it. */
  static boolean hasRequestInFlight(PermissionSetProvisioningStatus status) {
    return status.getRequestId() != null && status.getRequestedAt() != null
        && !ProvisioningStatus.fromWire(status.getProvisioningStatus()).finished();
  }

  @Override
  public boolean exists(ResourceID resource) {
    return resources.get(resource).isPresent();
  }

  @Override
  public boolean inFlight(ResourceID resource, Key key) {
    return resources.get(resource).flatMap(InFlightIndex::key).filter(key::equals).isPresent();
  }

  @Override
  public Optional<ResourceID> anyInFlight(Key key, ResourceID except) {
    return resources.byIndex(NAME, key.indexValue()).stream().map(ResourceID::fromResource)
        .filter(resource -> !resource.equals(except)).findFirst();
  }

  /** The permission set the resource has a request in flight for, or is about to (its intent is recorded). */
  private static Optional<Key> key(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null || status.getPermissionSetId() == null || resource.getSpec() == null
        || (status.getPendingProvision() == null && !hasRequestInFlight(status))) {
      return Optional.empty();
    }
    return Optional.of(new Key(resource.getSpec().getInstanceId(), status.getPermissionSetId()));
  }
}
