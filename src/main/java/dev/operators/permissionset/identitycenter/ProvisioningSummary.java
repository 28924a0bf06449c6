package dev.operators.permissionset.identitycenter;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One entry of the list of an instance's provisioning requests: no account, permission set or reason. */
public record ProvisioningSummary(String requestId, ProvisioningStatus status, String reportedStatus,
    Optional<Instant> createdAt) {

  public ProvisioningSummary {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reportedStatus, "reportedStatus");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
