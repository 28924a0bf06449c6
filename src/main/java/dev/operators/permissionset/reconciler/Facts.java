package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.drift.DriftFinding;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What a reconcile observed before deciding: the spec's problems, what this process holds for the resource, and,
 * only where its {@link Stage} needs them, the connection, what the cloud said and the resource's turn.
 *
 * @param connectionProblem why the resource's connection cannot be used now
 * @param backOffUntil when a failed provision call of the recorded intent may be made again
 * @param requestsOfDeleted requests for the permission set and target being provisioned that deleted resources made:
 *     a new intent lists them, so that no recovery takes one for its own
 * @param drift what the last drift check of a provisioned resource's permission set found
 */
record Facts(Instant now, Optional<String> specProblem, Optional<ProvisionCalls.Answer> answer, boolean callRunning,
    Optional<ConnectionProblem> connectionProblem, Optional<Cloud> cloud, Optional<Turn> turn,
    Set<String> requestsOfDeleted, Optional<Instant> backOffUntil, Optional<DriftFinding> drift) {

  /** Why the resource's connection cannot be used, as its condition will say. */
  record ConnectionProblem(ConditionReason reason, String message) {
  }

  /** What the cloud said, in the stages that ask it. */
  sealed interface Cloud {

    /** The request followed finished; this is its outcome as the cloud told it. */
    record RequestFinished(ProvisioningRequest request) implements Cloud {
    }

    /** The request followed is still in flight, as far as the cloud told. */
    record RequestInFlight(String reportedStatus) implements Cloud {
    }

    /** The spec's permission set, by ID or resolved from its name. */
    record PermissionSetResolved(String permissionSetId) implements Cloud {
    }

    /** The instance has no permission set of the spec's name. */
    record NoPermissionSetNamed() implements Cloud {
    }

    /** The call failed. */
    record CallFailed(IdentityCenterException error) implements Cloud {
    }
  }

  static Facts of(Instant now, Optional<String> specProblem, Optional<ProvisionCalls.Answer> answer,
      boolean callRunning) {
    return new Facts(now, specProblem, answer, callRunning, Optional.empty(), Optional.empty(), Optional.empty(),
        Set.of(), Optional.empty(), Optional.empty());
  }

  /** A problem of the spec found only once the cloud it reaches is known. */
  Facts withSpecProblem(String problem) {
    return new Facts(now, Optional.of(problem), answer, callRunning, connectionProblem, cloud, turn,
        requestsOfDeleted, backOffUntil, drift);
  }

  Facts withConnectionProblem(ConnectionProblem problem) {
    return new Facts(now, specProblem, answer, callRunning, Optional.of(problem), cloud, turn, requestsOfDeleted,
        backOffUntil, drift);
  }

  Facts with(Cloud said) {
    return new Facts(now, specProblem, answer, callRunning, connectionProblem, Optional.of(said), turn,
        requestsOfDeleted, backOffUntil, drift);
  }

  Facts with(Turn taken) {
    return new Facts(now, specProblem, answer, callRunning, connectionProblem, cloud, Optional.of(taken),
        requestsOfDeleted, backOffUntil, drift);
  }

  Facts withDrift(Optional<DriftFinding> found) {
    return new Facts(now, specProblem, answer, callRunning, connectionProblem, cloud, turn, requestsOfDeleted,
        backOffUntil, found);
  }

  Facts withBackOffUntil(Optional<Instant> until) {
    return new Facts(now, specProblem, answer, callRunning, connectionProblem, cloud, turn, requestsOfDeleted, until,
        drift);
  }

  Facts withRequestsOfDeleted(Set<String> requests) {
    return new Facts(now, specProblem, answer, callRunning, connectionProblem, cloud, turn, Set.copyOf(requests),
        backOffUntil, drift);
  }
}
