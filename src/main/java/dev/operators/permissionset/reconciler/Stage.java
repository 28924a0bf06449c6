package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a resource stands, read from its spec and status and from what this process holds for it: which facts a
 * reconcile must gather, and which rules decide what comes next. A pure function, so the reconciler and the table of
 * decisions agree on it.
 */
enum Stage {
  /** The spec cannot work: nothing is asked of the cloud. */
  INVALID_SPEC,
  /** An intent is recorded and its call has answered: the answer goes into status. */
  RECORD_ANSWER,
  /** An intent is recorded and its call is on its way: wait to be woken. */
  AWAIT_CALL,
  /** An intent is recorded and its last call failed on something passing: not again before its backoff ends. */
  BACK_OFF,
  /** An intent is recorded and no call of this process runs for it: find its request, or send it. */
  CARRY_OUT_INTENT,
  /** A request is in flight, for this generation or an earlier one (which goes first): follow it. */
  FOLLOW,
  /**
   * The outcome for this generation is known and final, or only a new spec can change it, and nobody asks for a
   * provisioning again (the annotation, or drift with reprovisionPolicy Automatic).
   */
  SETTLED,
  /** Stalled on something the cloud did not know; looked for again slowly, and not yet. */
  LOOK_AGAIN_LATER,
  /**
   * This generation needs a provisioning, first or again: resolve the permission set, take a turn, record the
   * intent.
   */
  PROVISION;

  static Stage of(PermissionSetProvisioning resource, Facts facts, ProvisioningSchedule schedule) {
    if (facts.specProblem().isPresent()) {
      return INVALID_SPEC;
    }
    PermissionSetProvisioningStatus status = resource.getStatus() == null ? new PermissionSetProvisioningStatus()
        : resource.getStatus();
    PendingProvision pending = status.getPendingProvision();
    if (pending != null) {
      if (facts.answer().filter(answer -> Objects.equals(answer.generation(), pending.getGeneration())).isPresent()) {
        return RECORD_ANSWER;
      }
      if (facts.callRunning()) {
        return AWAIT_CALL;
      }
      return facts.backOffUntil().filter(facts.now()::isBefore).isPresent() ? BACK_OFF : CARRY_OUT_INTENT;
    }
    long generation = resource.getMetadata().getGeneration();
    if (InFlightIndex.hasRequestInFlight(status) && (Objects.equals(status.getRequestGeneration(), generation)
        || !schedule.overdue(Instant.parse(status.getRequestedAt()), facts.now()))) {
      return FOLLOW;
    }
    if (status.getRequestId() != null && Objects.equals(status.getRequestGeneration(), generation)
        && ProvisioningStatus.fromWire(status.getProvisioningStatus()).finished()) {
      return Reprovisioning.wanted(resource) ? PROVISION : SETTLED;
    }
    Optional<ConditionReason> stalled = stalledReason(status, generation);
    boolean requested = Reprovisioning.requestedToken(resource).isPresent();
    if (stalled.filter(ConditionReason::waitsForSpecChange).isPresent()) {
      return requested ? PROVISION : SETTLED;
    }
    if (stalled.filter(ConditionReason::looksAgainSlowly).isPresent() && !requested
        && ProvisioningStatusFactory.inStateSince(status, stalled.get())
            .filter(since -> facts.now().isBefore(since.plus(schedule.firstLookAgain()))).isPresent()) {
      return LOOK_AGAIN_LATER;
    }
    return PROVISION;
  }

  /** Whether the stage asks the cloud, and so needs the credentials. */
  boolean needsCloud() {
    return this == CARRY_OUT_INTENT || this == FOLLOW || this == PROVISION;
  }

  private static Optional<ConditionReason> stalledReason(PermissionSetProvisioningStatus status, long generation) {
    return status.condition(ProvisioningStatusFactory.STALLED)
        .filter(stalled -> "True".equals(stalled.getStatus()))
        .filter(stalled -> Objects.equals(stalled.getObservedGeneration(), generation))
        .flatMap(stalled -> ConditionReason.fromReason(stalled.getReason()));
  }
}
