package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provision call per recorded intent, whenever the operator dies and whatever answer gets lost. The reconciler
 * records the intent ({@code status.pendingProvision}) before it comes here; this class decides whether the call
 * may simply be sent, or whether an earlier attempt may have reached the cloud and must be looked for first.
 */
final class ExactlyOnceProvisioning {

  private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceProvisioning.class);
  /** Longer than recovery looks back before an intent, clock skew included. */
  static final Duration REMEMBER_DELETED = ListOrder.CLOCK_SKEW.multipliedBy(2);

  private final UnsentProvisions unsent = new UnsentProvisions();
  /** When this process last sent a call whose answer got lost, by uid: the latest it may have reached the cloud. */
  private final Map<String, Instant> uncertainCalls = new ConcurrentHashMap<>();
  /**
   * Requests of resources deleted lately, by when they were deleted: a resource created again under the same name
   * and spec must not take its predecessor's request for its own. Kept as long as recovery looks back.
   */
  private final Map<String, DeletedRequest> requestsOfDeleted = new ConcurrentHashMap<>();
  private final Clock clock;
  /** Any call of an earlier process of the operator reached the cloud before this one started. */
  private final Instant startedAt;
  private final RequestRecovery recovery;

  ExactlyOnceProvisioning(Clock clock, Duration listLag) {
    this.clock = clock;
    this.startedAt = clock.instant();
    this.recovery = new RequestRecovery(clock, listLag);
  }

  /** The intent is recorded in status and no call was made for it: the call may go without asking the cloud. */
  void intentRecorded(String uid, long generation) {
    unsent.add(uid, generation);
  }

  /** A request of a deleted resource, what it provisions, and when the resource was deleted. */
  private record DeletedRequest(String permissionSetId, Optional<String> accountId, Instant deletedAt) {
  }

  /**
   * The request belonged to a resource that was deleted: no other resource's recovery may adopt it, and the intents
   * recorded for the same permission set and target list it, so that a restart does not forget it.
   */
  void requestOfDeletedResource(String requestId, String permissionSetId, Optional<String> accountId) {
    Instant now = clock.instant();
    requestsOfDeleted.values().removeIf(deleted -> deleted.deletedAt().isBefore(now.minus(REMEMBER_DELETED)));
    requestsOfDeleted.put(requestId, new DeletedRequest(permissionSetId, accountId, now));
  }

  /** Requests of deleted resources that provisioned this permission set to this target. */
  Set<String> requestsOfDeleted(String permissionSetId, Optional<String> accountId) {
    Set<String> requests = new HashSet<>();
    requestsOfDeleted.forEach((requestId, deleted) -> {
      if (deleted.permissionSetId().equals(permissionSetId) && deleted.accountId().equals(accountId)) {
        requests.add(requestId);
      }
    });
    return requests;
  }

  /** Whether no call can be in flight for the intent: there is none, or no call was made, or the cloud refused it. */
  boolean certainlyUnsent(String uid, PendingProvision pending) {
    return pending == null || unsent.contains(uid, pending.getGeneration());
  }

  /** The resource was deleted. */
  void forget(String uid) {
    unsent.forget(uid);
    uncertainCalls.remove(uid);
  }

  private Set<String> ownedElsewhere(Set<String> requestsOfOtherChanges, List<String> excludedByTheIntent) {
    Set<String> owned = new HashSet<>(requestsOfOtherChanges);
    owned.addAll(requestsOfDeleted.keySet());
    owned.addAll(excludedByTheIntent);
    return owned;
  }

  /**
   * The request the intent made: the one an earlier attempt made, when it may have reached the cloud and the cloud
   * has it, or else a new one; or, when {@code sendIfAbsent} is false (the intent is for a generation the spec has
   * left), only the earlier attempt's request, if there is one.
   *
   * @param requestsOfOtherChanges request IDs that other resources, or earlier generations, own
   */
  CallOutcome findOrSend(IdentityCenterClient client, String uid, PendingProvision pending, String instanceId,
      ProvisioningTarget target, Supplier<Set<String>> requestsOfOtherChanges, boolean sendIfAbsent) {
    long generation = pending.getGeneration();
    String permissionSetId = pending.getPermissionSetId();
    if (!unsent.take(uid, generation)) {
      RequestRecovery.Finding earlier = recovery.find(client, instanceId, permissionSetId, target,
          Instant.parse(pending.getRecordedAt()), uncertainCalls.getOrDefault(uid, startedAt),
          ownedElsewhere(requestsOfOtherChanges.get(), pending.getExcludedRequestIds()),
          Set.copyOf(pending.getExcludedRequestIds()));
      if (earlier instanceof RequestRecovery.Finding.Found found) {
        uncertainCalls.remove(uid);
        LOG.info("Found request {} that an earlier provision call made for generation {}; not provisioning again",
            found.request().requestId(), generation);
        return new CallOutcome.Requested(found.request());
      }
      if (earlier instanceof RequestRecovery.Finding.NotListedYet notYet) {
        return new CallOutcome.NotListedYet(notYet.lookAgainAt());
      }
      if (!sendIfAbsent) {
        return new CallOutcome.NothingSent();
      }
    } else if (!sendIfAbsent) {
      return new CallOutcome.NothingSent();
    }
    try {
      ProvisioningRequest request = client.provision(instanceId, permissionSetId, target);
      uncertainCalls.remove(uid);
      LOG.info("Provisioning request {} made for generation {}: {}", request.requestId(), generation,
          request.reportedStatus());
      return new CallOutcome.Requested(request);
    } catch (IdentityCenterException e) {
      if (e.category().mayHaveTakenEffect()) {
        uncertainCalls.put(uid, clock.instant());
      } else {
        unsent.add(uid, generation);
      }
      return new CallOutcome.Failed(e);
    }
  }
}
