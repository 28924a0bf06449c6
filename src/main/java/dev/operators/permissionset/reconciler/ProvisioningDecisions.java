package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import dev.operators.permissionset.api.v1alpha1.ReprovisionPolicy;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.drift.DriftGroup;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.reconciler.Decision.Action;
import dev.operators.permissionset.reconciler.Facts.Cloud;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what comes next for a resource: a function of the resource and the {@link Facts} observed for it, with
 * time from the status factory's clock, and no other input. It calls nothing and holds nothing, so every rule is
 * tested as a table.
 */
final class ProvisioningDecisions {

  /** Status is stored in etcd with the resource and shown by kubectl: a cloud's essay has no place there. */
  static final int MAX_FAILURE_REASON = 1024;

  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;
  private final CloudErrors cloudErrors;
  private final DriftStatus driftStatus;

  ProvisioningDecisions(ProvisioningStatusFactory statuses, ProvisioningSchedule schedule) {
    this.statuses = statuses;
    this.schedule = schedule;
    this.cloudErrors = new CloudErrors(statuses, schedule);
    this.driftStatus = new DriftStatus(statuses);
  }

  Decision decide(PermissionSetProvisioning resource, Facts facts) {
    PermissionSetProvisioningStatus next = resource.getStatus() == null ? new PermissionSetProvisioningStatus()
        : resource.getStatus().copy();
    Stage stage = Stage.of(resource, facts, schedule);
    Decision decision = switch (stage) {
      case INVALID_SPEC -> invalidSpec(resource, next, facts);
      case RECORD_ANSWER -> recordAnswer(resource, next, facts.answer().orElseThrow().outcome());
      case AWAIT_CALL -> Decision.comeBack(calling(resource, next), schedule.nextBackstopCheck());
      case BACK_OFF -> Decision.comeBack(next, schedule.until(facts.backOffUntil().orElseThrow(), facts.now()));
      case CARRY_OUT_INTENT -> carryOutIntent(resource, next, facts);
      case FOLLOW -> follow(resource, next, facts);
      case SETTLED -> settled(resource, next, facts);
      case LOOK_AGAIN_LATER -> Decision.comeBack(next, schedule.firstLookAgain());
      case PROVISION -> provision(resource, next, facts);
    };
    // an answer outside its own stage is recorded in the status read (or was for an intent that is gone)
    return stage != Stage.RECORD_ANSWER && facts.answer().isPresent()
        ? decision.first(new Action.ReleaseAnswer()) : decision;
  }

  private Decision invalidSpec(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      Facts facts) {
    next.setPendingProvision(null);
    statuses.apply(resource, next, ConditionReason.INVALID_SPEC, facts.specProblem().orElseThrow() + ".");
    return Decision.settled(next).with(new Action.LeaveTurn());
  }

  /**
   * The call of the recorded intent answered. A request goes into status in place of the intent; the next pass,
   * on the status as written, follows it and lets the answer go.
   */
  private Decision recordAnswer(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      CallOutcome outcome) {
    PendingProvision pending = next.getPendingProvision();
    if (outcome instanceof CallOutcome.Requested requested) {
      ProvisioningRequest request = requested.request();
      next.setPendingProvision(null);
      next.setRequestGeneration(pending.getGeneration());
      next.setRequestedAt(pending.getRecordedAt());
      next.setPermissionSetId(pending.getPermissionSetId());
      next.setAccountId(pending.getAccountId());
      next.setCompletedAt(null);
      next.setFailureReason(null);
      next.setRequestTrigger(pending.effectiveTrigger());
      next.setRequestReprovisionToken(pending.getReprovisionToken());
      return request.status().finished() ? finished(resource, next, request).with(new Action.ReleaseAnswer())
          : Decision.writeThenDecideAgain(inFlight(resource, next, request));
    }
    if (outcome instanceof CallOutcome.NothingSent) {
      next.setPendingProvision(null);
      return Decision.writeThenDecideAgain(next).with(new Action.ReleaseAnswer());
    }
    if (outcome instanceof CallOutcome.NotListedYet notYet) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(pending)
          + ": an earlier call may have reached Identity Center, whose lists do not show requests this recent yet; "
          + "looking for it before calling again.");
      return Decision.comeBack(next, schedule.until(notYet.lookAgainAt(), statuses.exactNow()))
          .with(new Action.ReleaseAnswer());
    }
    Decision failed = failedToProvision(resource, next, ((CallOutcome.Failed) outcome).error());
    return (next.getPendingProvision() == null ? failed
        : failed.with(new Action.BackOff(failed.comeBackAfter().orElseThrow()))).with(new Action.ReleaseAnswer());
  }

  /**
   * A failed provision leaves the turn and forgets the intent only when nothing can be in flight: the cloud
   * certainly refused the call. Throttling and conflicts pass in seconds, so the resource keeps its place rather than
   * go to the back of the line.
   */
  private Decision failedToProvision(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterException e) {
    boolean passesSoon = e.category() == ErrorCategory.THROTTLED || e.category() == ErrorCategory.CONFLICT;
    if (e.category().mayHaveTakenEffect() || passesSoon) {
      return cloudErrors.failedCall(resource, next, e, false);
    }
    next.setPendingProvision(null);
    return cloudErrors.failedCall(resource, next, e, false).with(new Action.LeaveTurn());
  }

  /**
   * The intent's call may be made once the resource has its turn. An intent for a generation the spec has left is
   * only looked for: if an earlier attempt made a request, it is followed (it goes first); if not, the intent goes.
   * Without a usable connection nothing can be found or sent. The resource keeps its turn while the connection is
   * only being checked or unreachable (an earlier attempt may be in flight), and gives it up when a person must act.
   */
  private Decision carryOutIntent(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      Facts facts) {
    if (facts.connectionProblem().isPresent()) {
      Facts.ConnectionProblem problem = facts.connectionProblem().get();
      Decision waits = cloudErrors.connectionUnusable(resource, next, problem);
      // a connection being checked comes back in moments; one that needs a person must not hold the permission set
      // up for the resources that reach it through other connections
      return problem.reason().stalled() ? waits.with(new Action.LeaveTurn()) : waits;
    }
    Turn turn = facts.turn().orElseThrow();
    if (!turn.granted()) {
      return waitForTurn(resource, next, turn, next.getPendingProvision().getPermissionSetId());
    }
    boolean forThisGeneration = Objects.equals(next.getPendingProvision().getGeneration(),
        resource.getMetadata().getGeneration());
    return Decision.comeBack(calling(resource, next), schedule.nextBackstopCheck())
        .with(new Action.StartCall(forThisGeneration));
  }

  private Decision follow(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, Facts facts) {
    if (facts.connectionProblem().isPresent()) {
      // the cloud works on the request whatever the connection: the permission set stays busy until it finishes
      return cloudErrors.connectionUnusable(resource, next, facts.connectionProblem().get());
    }
    Cloud said = facts.cloud().orElseThrow();
    if (said instanceof Cloud.RequestFinished finished) {
      return finished(resource, next, finished.request());
    }
    if (said instanceof Cloud.CallFailed failed) {
      Decision decision = cloudErrors.failedCall(resource, next, failed.error(), true);
      return failed.error().category() == ErrorCategory.NOT_FOUND ? decision.with(new Action.LeaveTurn()) : decision;
    }
    return Decision.comeBack(inFlight(resource, next, ((Cloud.RequestInFlight) said).reportedStatus()),
        schedule.nextBackstopCheck());
  }

  private Decision provision(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, Facts facts) {
    if (facts.connectionProblem().isPresent()) {
      return cloudErrors.connectionUnusable(resource, next, facts.connectionProblem().get())
          .with(new Action.LeaveTurn());
    }
    PermissionSetProvisioningSpec spec = resource.getSpec();
    Cloud said = facts.cloud().orElseThrow();
    if (said instanceof Cloud.CallFailed failed) {
      return cloudErrors.failedCall(resource, next, failed.error(), false).with(new Action.LeaveTurn());
    }
    if (said instanceof Cloud.NoPermissionSetNamed) {
      return cloudErrors.lookAgainSlowly(resource, next, ConditionReason.PERMISSION_SET_NOT_FOUND, "Instance "
          + spec.getInstanceId() + " has no permission set named '" + spec.getPermissionSetName()
          + "' (spec.permissionSetName); names are case-sensitive.").with(new Action.LeaveTurn());
    }
    String permissionSetId = ((Cloud.PermissionSetResolved) said).permissionSetId();
    next.setPermissionSetId(permissionSetId);
    next.setAccountId(accountId(spec));
    Turn turn = facts.turn().orElseThrow();
    if (!turn.granted()) {
      return waitForTurn(resource, next, turn, permissionSetId);
    }
    long generation = resource.getMetadata().getGeneration();
    if (facts.answer().filter(answer -> answer.generation() == generation).isPresent()) {
      // the answer of this generation's last provisioning is still held: let it go first, so that it can never be
      // taken for the answer of the intent about to be recorded for the same generation
      return Decision.writeThenDecideAgain(next);
    }
    Optional<String> token = Reprovisioning.requestedToken(resource);
    Optional<String> drift = Reprovisioning.driftToRepair(resource);
    boolean again = Reprovisioning.provisioned(resource) || Objects.equals(next.getRequestGeneration(), generation);
    ProvisioningTrigger trigger = !again ? ProvisioningTrigger.Spec
        : token.isPresent() ? ProvisioningTrigger.Annotation
        : drift.isPresent() ? ProvisioningTrigger.Drift : ProvisioningTrigger.Spec;
    if (trigger == ProvisioningTrigger.Drift) {
      next.setLastHandledDriftAt(drift.get());
    }
    // a provisioning again follows this generation's last request, which recovery must never take for its own
    Set<String> predecessors = new TreeSet<>(facts.requestsOfDeleted());
    if (again && next.getRequestId() != null) {
      predecessors.add(next.getRequestId());
    }
    next.setPendingProvision(new PendingProvision(generation, ProvisioningStatusFactory.timestamp(statuses.now()),
        permissionSetId, accountId(spec)).triggeredBy(trigger, token.orElse(null)).excluding(predecessors));
    return Decision.writeThenDecideAgain(calling(resource, next)).with(new Action.IntentRecorded(generation));
  }

  /**
   * Nothing to do for the current generation. A provisioned resource watches its permission set's drift and shows
   * what the last check found; with reprovisionPolicy Automatic, a drift no provisioning answered yet is decided
   * again once written, which provisions.
   */
  private Decision settled(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, Facts facts) {
    if (!Reprovisioning.provisioned(resource)) {
      return Decision.settled(next);
    }
    driftStatus.apply(resource, next, accountId(resource.getSpec()), facts.drift());
    boolean repair = resource.getSpec().effectiveReprovisionPolicy() == ReprovisionPolicy.Automatic
        && next.getOutOfDateSince() != null && !next.getOutOfDateSince().equals(next.getLastHandledDriftAt());
    Action watch = new Action.WatchDrift(driftGroup(resource, next));
    return repair ? Decision.writeThenDecideAgain(next).with(watch) : Decision.settled(next).with(watch);
  }

  static DriftGroup driftGroup(PermissionSetProvisioning resource, PermissionSetProvisioningStatus status) {
    return new DriftGroup(ConnectionKey.of(resource), resource.getSpec().getInstanceId(), status.getPermissionSetId());
  }

  private Decision waitForTurn(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next, Turn turn,
      String permissionSetId) {
    statuses.apply(resource, next, ConditionReason.WAITING_FOR_PERMISSION_SET, "Waiting for its turn at "
        + "permission set " + permissionSetId + ": Identity Center provisions a permission set to one target at a "
        + "time, and resources take turns in the order they started waiting.");
    return Decision.comeBack(next, turn.holdersUnconfirmed() ? schedule.nextUnconfirmedTurnCheck()
        : schedule.nextBackstopCheck());
  }

  /** The request finished: its outcome for this generation, or, for an earlier one, the way to this one's turn. */
  private Decision finished(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ProvisioningRequest request) {
    next.setRequestId(request.requestId());
    next.setProvisioningStatus(request.reportedStatus());
    request.accountId().ifPresent(next::setAccountId);
    request.permissionSetId().ifPresent(next::setPermissionSetId);
    next.setCompletedAt(ProvisioningStatusFactory.timestamp(statuses.now()));
    if (!Objects.equals(next.getRequestGeneration(), resource.getMetadata().getGeneration())) {
      return Decision.writeThenDecideAgain(next).with(new Action.LeaveTurn());
    }
    if (next.getRequestReprovisionToken() != null) {
      next.setLastHandledReprovisionAt(next.getRequestReprovisionToken());
    }
    DriftGroup group = driftGroup(resource, next);
    if (request.status() == ProvisioningStatus.SUCCEEDED) {
      statuses.apply(resource, next, ConditionReason.PROVISIONED, "Provisioned " + subject(next) + " (request "
          + request.requestId() + ").");
      driftStatus.provisioned(resource, next);
      return Decision.settled(next).with(new Action.LeaveTurn()).with(new Action.WatchDrift(group))
          .with(new Action.CheckDriftSoon(group));
    }
    String reason = request.failureReason().map(ProvisioningDecisions::capped).orElse("the cloud gave no reason");
    next.setFailureReason(reason);
    statuses.apply(resource, next, ConditionReason.PROVISIONING_FAILED, "Identity Center failed to provision "
        + subject(next) + " (request " + request.requestId() + "): " + reason + " Fix the cause, then provision "
        + "again: change the spec, or set the annotation " + PermissionSetProvisioning.REPROVISION_REQUESTED_AT
        + " to a new value.");
    return Decision.settled(next).with(new Action.LeaveTurn()).with(new Action.CheckDriftSoon(group));
  }

  private PermissionSetProvisioningStatus inFlight(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus next, ProvisioningRequest request) {
    next.setRequestId(request.requestId());
    next.setProvisioningStatus(request.reportedStatus());
    return inFlight(resource, next, request.reportedStatus());
  }

  /** The tracker wakes the resource when its request finishes; until then it is looked at only as a backstop. */
  private PermissionSetProvisioningStatus inFlight(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus next, String reportedStatus) {
    long generation = resource.getMetadata().getGeneration();
    if (!Objects.equals(next.getRequestGeneration(), generation)) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Waiting for request " + next.getRequestId()
          + ", made for generation " + next.getRequestGeneration() + ", to finish before provisioning generation "
          + generation + ": the cloud takes one provisioning of a permission set at a time.");
    } else if (schedule.overdue(Instant.parse(next.getRequestedAt()), statuses.now())) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING_TIMED_OUT, "Request " + next.getRequestId()
          + " to provision " + subject(next) + " is still " + reportedStatus + " after "
          + schedule.provisioningTimeout() + " (PROVISIONING_TIMEOUT). The operator keeps checking it; to "
          + "provision again instead, change the spec, or delete and re-create the resource.");
    } else {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(next) + ": request "
          + next.getRequestId() + " is " + reportedStatus + ".");
    }
    return next;
  }

  /**
   * The call is on its way. A resource retrying after a failure that passes (throttling, a conflict, the cloud
   * unavailable) keeps showing that failure until the call answers, so that retries are no new transitions.
   */
  private PermissionSetProvisioningStatus calling(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus next) {
    boolean retrying = next.condition(ProvisioningStatusFactory.READY)
        .filter(ready -> Objects.equals(ready.getObservedGeneration(), resource.getMetadata().getGeneration()))
        .flatMap(ready -> ConditionReason.fromReason(ready.getReason()))
        .filter(reason -> reason == ConditionReason.THROTTLED || reason == ConditionReason.CONFLICT
            || reason == ConditionReason.CLOUD_UNAVAILABLE)
        .isPresent();
    if (retrying) {
      return next;
    }
    statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning "
        + subject(next.getPendingProvision()) + ": calling Identity Center.");
    return next;
  }

  /** The account the spec provisions to, or null for all accounts the permission set is provisioned to. */
  static String accountId(PermissionSetProvisioningSpec spec) {
    return spec.effectiveTargetType() == TargetType.ALL_PROVISIONED_ACCOUNTS ? null : spec.getTargetId();
  }

  /** The cloud's words, kept short enough for status and a condition message. */
  private static String capped(String failureReason) {
    return failureReason.length() <= MAX_FAILURE_REASON ? failureReason
        : failureReason.substring(0, MAX_FAILURE_REASON) + "…";
  }

  private static String subject(PendingProvision pending) {
    return subject(pending.getPermissionSetId(), pending.getAccountId());
  }

  private static String subject(PermissionSetProvisioningStatus status) {
    return subject(status.getPermissionSetId(), status.getAccountId());
  }

  static String subject(String permissionSetId, String accountId) {
    return "permission set " + permissionSetId + (accountId == null
        ? " to all accounts it is provisioned to" : " to account " + accountId);
  }
}
