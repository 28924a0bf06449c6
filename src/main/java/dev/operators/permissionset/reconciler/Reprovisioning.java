package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a resource whose current generation was provisioned asks to be provisioned again, without a spec change:
 * a person set a new value of the {@value PermissionSetProvisioning#REPROVISION_REQUESTED_AT} annotation, or, with
 * {@code reprovisionPolicy: Automatic}, the drift checks found the target out of date since a moment that no
 * provisioning answered yet. Pure functions of the resource, so that the stages and the decisions agree.
 */
final class Reprovisioning {

  private Reprovisioning() {
  }

  /** The annotation's value when no provisioning answered it yet, nor is recorded to. */
  static Optional<String> requestedToken(PermissionSetProvisioning resource) {
    Map<String, String> annotations = resource.getMetadata().getAnnotations();
    String token = annotations == null ? null : annotations.get(PermissionSetProvisioning.REPROVISION_REQUESTED_AT);
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null) {
      return Optional.of(token);
    }
    PendingProvision pending = status.getPendingProvision();
    boolean answered = token.equals(status.getLastHandledReprovisionAt())
        || token.equals(status.getRequestReprovisionToken())
        || pending != null && token.equals(pending.getReprovisionToken());
    return answered ? Optional.empty() : Optional.of(token);
  }

  /** The drift to provision again for: its outOfDateSince, when the policy is Automatic and none answered it yet. */
  static Optional<String> driftToRepair(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (resource.getSpec().effectiveReprovisionPolicy() != ReprovisionPolicy.Automatic || status == null
        || status.getOutOfDateSince() == null || !provisioned(resource)) {
      return Optional.empty();
    }
    return status.getOutOfDateSince().equals(status.getLastHandledDriftAt()) ? Optional.empty()
        : Optional.of(status.getOutOfDateSince());
  }

  /** Whether the resource asks to be provisioned again. */
  static boolean wanted(PermissionSetProvisioning resource) {
    return requestedToken(resource).isPresent() || driftToRepair(resource).isPresent();
  }

  /** Whether the request in status SUCCEEDED for the current generation: the target holds what the spec says. */
  static boolean provisioned(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    return status != null && status.getPendingProvision() == null && status.getRequestId() != null
        && Objects.equals(status.getRequestGeneration(), resource.getMetadata().getGeneration())
        && ProvisioningStatus.fromWire(status.getProvisioningStatus()) == ProvisioningStatus.SUCCEEDED;
  }
}
