package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the request a provision call made when its answer never arrived: the operator died between the call and
 * the status write, or the connection dropped after the cloud took the call. The cloud lists requests only by
 * status, not by permission set or account, so this reads the instance's requests created since the intent was
 * recorded, skips those other resources already own, and describes the rest until one matches.
 */
final class RequestRecovery {

  /** How far the operator's clock and the cloud's may disagree about when a request was created. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final String OPERATION = "ListPermissionSetProvisioningStatus";

  Optional<ProvisioningRequest> find(IdentityCenterClient client, String instanceId, String permissionSetId,
      ProvisioningTarget target, Instant intentRecordedAt, Set<String> requestsOwnedElsewhere) {
    Instant notBefore = intentRecordedAt.minus(CLOCK_SKEW);
    Set<String> seenMarkers = new HashSet<>();
    Optional<String> marker = Optional.empty();
    do {
      Page<ProvisioningSummary> page = client.listProvisioning(instanceId, Optional.empty(), marker);
      for (ProvisioningSummary summary : page.items()) {
        boolean older = summary.createdAt().map(created -> created.isBefore(notBefore)).orElse(false);
        if (older || requestsOwnedElsewhere.contains(summary.requestId())) {
          continue;
        }
        ProvisioningRequest request = client.describeProvisioning(instanceId, summary.requestId());
        if (matches(request, permissionSetId, target)) {
          return Optional.of(request);
        }
      }
      marker = page.nextMarker();
      if (marker.isPresent() && !seenMarkers.add(marker.get())) {
        throw new IdentityCenterException(OPERATION, ErrorCategory.INVALID_RESPONSE, 0, null, "the cloud returned "
            + "the page marker '" + marker.get() + "' a second time; stopped paging to avoid an endless loop", null,
            null);
      }
    } while (marker.isPresent());
    return Optional.empty();
  }

  private static boolean matches(ProvisioningRequest request, String permissionSetId, ProvisioningTarget target) {
    boolean samePermissionSet = request.permissionSetId().map(permissionSetId::equals).orElse(false);
    return samePermissionSet && (target.type() == ProvisioningTarget.Type.ALL_PROVISIONED_ACCOUNTS
        || request.accountId().equals(target.accountId()));
  }
}
