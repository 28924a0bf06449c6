package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.CloudOperation;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the request a provision call made when its answer never arrived: the operator died between the call and
 * the status write, or the connection dropped after the cloud took the call. The cloud lists requests only by
 * status, not by permission set or account, so this reads the instance's requests created since the intent was
 * recorded, skips those other resources already own, and describes the rest until one matches.
 *
 * <p>It stops paging once the dates show the list is newest-first and past the intent; a list in any other order is
 * read to its end, as the request may be anywhere in it. Lists may lag: a request the cloud took a moment ago may
 * not show yet, so "no such request" is told only once the last call that may have made it is older than the lag.
 *
 * <p>A provisioning again of the same generation follows the request before it, and a resource created again follows
 * its deleted predecessor's: every request created before those predecessors is older than the intent, whatever the
 * skew of the clocks.
 *
 * <p>What a request provisions never changes, so each describe's answer is remembered: when a describe fails, the
 * next attempt goes on from there instead of describing every candidate again. Without that, an instance with a
 * few dozen candidates and a cloud that fails one call in six would almost never get through a whole attempt.
 */
final class RequestRecovery {

  /** What the search found. */
  sealed interface Finding {

    /** The request the earlier call made. */
    record Found(ProvisioningRequest request) implements Finding {
    }

    /** The cloud has no such request, and its lists would show it by now: the call may be sent. */
    record Absent() implements Finding {
    }

    /** None listed, but the lists may not show it yet: look again then, and send nothing before. */
    record NotListedYet(Instant lookAgainAt) implements Finding {
    }
  }

  /** Far more requests than one instance makes in the recovery window; the oldest are forgotten first. */
  static final int REMEMBERED_REQUESTS = 10_000;

  /** What a request provisions: its permission set and account, as a describe told. */
  private record Subject(Optional<String> permissionSetId, Optional<String> accountId) {
  }

  private final Map<String, Subject> subjects = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Subject> eldest) {
          return size() > REMEMBERED_REQUESTS;
        }
      });
  private final Clock clock;
  private final Duration listLag;

  /**
   * @param listLag how long after its creation a request may still be missing from the cloud's lists
   */
  RequestRecovery(Clock clock, Duration listLag) {
    this.clock = clock;
    this.listLag = listLag;
  }

  /**
   * @param intentRecordedAt when the intent was recorded: no earlier call for it was made before
   * @param lastPossibleCall the latest moment an earlier call for the intent may have reached the cloud
   * @param requestsOwnedElsewhere request IDs that other resources, or earlier generations, own
   * @param predecessors requests made before the intent was recorded, which it excludes
   */
  Finding find(IdentityCenterClient client, String instanceId, String permissionSetId, ProvisioningTarget target,
      Instant intentRecordedAt, Instant lastPossibleCall, Set<String> requestsOwnedElsewhere,
      Set<String> predecessors) {
    Instant skewed = intentRecordedAt.minus(ListOrder.CLOCK_SKEW);
    Instant notBefore = lastCreated(client, instanceId, predecessors).filter(skewed::isBefore).orElse(skewed);
    ListOrder order = new ListOrder();
    Set<String> seenMarkers = new HashSet<>();
    Optional<String> marker = Optional.empty();
    do {
      Page<ProvisioningSummary> page = client.listProvisioning(instanceId, Optional.empty(), marker);
      for (ProvisioningSummary summary : page.items()) {
        order.saw(summary.createdAt());
        boolean older = summary.createdAt().map(created -> created.isBefore(notBefore)).orElse(false);
        if (older || requestsOwnedElsewhere.contains(summary.requestId())) {
          continue;
        }
        Subject known = subjects.get(summary.requestId());
        if (known != null && !matches(known, permissionSetId, target)) {
          continue;
        }
        ProvisioningRequest request = client.describeProvisioning(instanceId, summary.requestId());
        Subject subject = new Subject(request.permissionSetId(), request.accountId());
        subjects.put(summary.requestId(), subject);
        if (matches(subject, permissionSetId, target)) {
          return new Finding.Found(request);
        }
      }
      marker = page.nextMarker();
      if (marker.isPresent() && !seenMarkers.add(marker.get())) {
        throw new IdentityCenterException(CloudOperation.LIST_PROVISIONING, ErrorCategory.INVALID_RESPONSE, 0,
            null, "the cloud returned "
            + "the page marker '" + marker.get() + "' a second time; stopped paging to avoid an endless loop", null,
            null);
      }
    } while (marker.isPresent() && !order.restIsOlderThan(intentRecordedAt));
    Instant listedBy = (lastPossibleCall.isAfter(intentRecordedAt) ? lastPossibleCall : intentRecordedAt)
        .plus(listLag);
    return clock.instant().isBefore(listedBy) ? new Finding.NotListedYet(listedBy) : new Finding.Absent();
  }

  /** When the newest of the requests was created, on the cloud's clock; a request the cloud forgot tells nothing. */
  private static Optional<Instant> lastCreated(IdentityCenterClient client, String instanceId,
      Set<String> requestIds) {
    Optional<Instant> last = Optional.empty();
    for (String requestId : requestIds) {
      Optional<Instant> created;
      try {
        created = client.describeProvisioning(instanceId, requestId).createdAt();
      } catch (IdentityCenterException e) {
        if (e.category() != ErrorCategory.NOT_FOUND) {
          throw e;
        }
        created = Optional.empty();
      }
      if (created.isPresent() && (last.isEmpty() || created.get().isAfter(last.get()))) {
        last = created;
      }
    }
    return last;
  }

  private static boolean matches(Subject subject, String permissionSetId, ProvisioningTarget target) {
    boolean samePermissionSet = subject.permissionSetId().map(permissionSetId::equals).orElse(false);
    return samePermissionSet && subject.accountId().equals(target.accountId());
  }
}
