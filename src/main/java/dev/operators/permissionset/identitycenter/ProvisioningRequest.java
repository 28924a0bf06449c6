package dev.operators.permissionset.identitycenter;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A provisioning request as the cloud describes it.
 *
 * @param reportedStatus the status exactly as the cloud spelled it, shown to users even when we do not know it
 * @param failureReason the cloud's reason when the request FAILED; empty otherwise
 */
public record ProvisioningRequest(String requestId, ProvisioningStatus status, String reportedStatus,
    Optional<String> accountId, Optional<String> permissionSetId, Optional<String> failureReason,
    Optional<Instant> createdAt) {

  public ProvisioningRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reportedStatus, "reportedStatus");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(permissionSetId, "permissionSetId");
    Objects.requireNonNull(failureReason, "failureReason");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
