package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Member;
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

  /**
   * The permission set the resource has a request in flight for, or is about to (its intent is recorded): the turn
   * it holds, as far as its status tells.
   */
  static Optional<Key> key(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null || resource.getSpec() == null) {
      return Optional.empty();
    }
    PendingProvision pending = status.getPendingProvision();
    String permissionSetId = pending != null && pending.getPermissionSetId() != null ? pending.getPermissionSetId()
        : status.getPermissionSetId();
    if (permissionSetId == null || (pending == null && !hasRequestInFlight(status))) {
      return Optional.empty();
    }
    return Optional.of(new Key(resource.getSpec().getInstanceId(), permissionSetId));
  }

  static Member member(PermissionSetProvisioning resource) {
    return new Member(resource.getMetadata().getUid(), ResourceID.fromResource(resource));
  }

  @Override
  public boolean exists(Member member) {
    return cached(member).isPresent();
  }

  @Override
  public boolean replaced(Member member) {
    return resources.get(member.resource())
        .filter(resource -> !member.uid().equals(resource.getMetadata().getUid())).isPresent();
  }

  @Override
  public boolean inFlight(Member member, Key key) {
    return cached(member).flatMap(InFlightIndex::key).filter(key::equals).isPresent();
  }

  @Override
  public List<Member> inFlight(Key key) {
    return resources.byIndex(NAME, key.indexValue()).stream().map(InFlightIndex::member).toList();
  }

  private Optional<PermissionSetProvisioning> cached(Member member) {
    return resources.get(member.resource())
        .filter(resource -> member.uid().equals(resource.getMetadata().getUid()));
  }
}
