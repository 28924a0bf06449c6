package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Provisions the permission set once per spec generation and follows the request until the cloud says it
 * SUCCEEDED or FAILED. It never waits for the cloud on its thread: what it started goes into status, and the
 * resource comes back on a schedule or an event.
 *
 * <p>Exactly one provision call per generation, whenever the operator dies:
 * <ol>
 *   <li>Before the call, {@code status.pendingProvision} records the generation and the time. The reconciler writes
 *       that at once and decides again on what it wrote: the call is made only once the write has succeeded, on a
 *       thread of {@link ProvisionCalls}, which wakes the resource with the answer.
 *   <li>The call is sent straight away only when this process recorded the intent and has not sent it yet, or when
 *       the cloud certainly refused the attempt before (4xx, 429, 409): {@link ExactlyOnceProvisioning}.
 *   <li>Otherwise the cloud may have the request already: the operator restarted, or the answer was lost (I/O error,
 *       timeout, 5xx, an unreadable answer). {@link RequestRecovery} looks for a request for this permission set
 *       and target created since the intent; found, it is adopted; not found, the call is sent.
 *   <li>The status write that records the answer replaces pendingProvision with the request ID.
 * </ol>
 * Identity Center takes one provisioning of a permission set at a time, so resources take turns:
 * {@link PermissionSetTurns}.
 */
@ControllerConfiguration(name = PermissionSetProvisioningReconciler.NAME)
public class PermissionSetProvisioningReconciler implements Reconciler<PermissionSetProvisioning>, AutoCloseable {

  public static final String NAME = "permissionsetprovisioning";
  /** Status is stored in etcd with the resource and shown by kubectl: a cloud's essay has no place there. */
  static final int MAX_FAILURE_REASON = 1024;
  /** Provision calls wait for the rate limit one after another, so a few threads keep it busy. */
  static final int PROVISION_CALL_THREADS = 4;

  private final IdentityCenterClientFactory clients;
  private final CredentialsResolver credentials;
  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;
  private final CloudErrors cloudErrors;
  private final ProvisioningObserver observer;
  private final WakeUps wakeUps = new WakeUps();
  private final PermissionSetTurns turns = new PermissionSetTurns(wakeUps::wakeUp);
  private final ExactlyOnceProvisioning provisioning;
  private final ProvisionCalls calls;
  private final RequestTracker tracker;

  public PermissionSetProvisioningReconciler(IdentityCenterClientFactory clients, CredentialsResolver credentials,
      ProvisioningStatusFactory statuses, ProvisioningSchedule schedule, ProvisioningObserver observer) {
    this.clients = clients;
    this.credentials = credentials;
    this.statuses = statuses;
    this.schedule = schedule;
    this.observer = observer;
    this.cloudErrors = new CloudErrors(statuses, schedule);
    this.provisioning = new ExactlyOnceProvisioning(statuses.clock(), schedule.timing().cloudListLag());
    this.tracker = new RequestTracker(statuses.clock(), schedule.timing().pollInitial(), schedule.timing().pollMax(),
        schedule.timing().cloudListLag(), (resource, uid, requestId) -> requestFinished(resource));
    this.calls = new ProvisionCalls(PROVISION_CALL_THREADS, statuses.clock(), wakeUps::wakeUp);
  }

  /**
   * The cloud is done with the resource's request: the next resource in line may start at once, while this one
   * records the outcome.
   */
  private void requestFinished(ResourceID resource) {
    turns.leave(resource);
    wakeUps.wakeUp(resource);
  }

  @Override
  public void close() {
    tracker.close();
    calls.close();
  }

  /**
   * The status to write and when to come back; no delay means the resource needs nothing until it changes.
   *
   * @param decideAgainOnceWritten the status records what the reconciler is about to do, so it must be stored
   *     before the reconciler acts on it
   */
  record Decision(PermissionSetProvisioningStatus status, Optional<Duration> comeBackAfter,
      boolean decideAgainOnceWritten) {

    Decision(PermissionSetProvisioningStatus status, Optional<Duration> comeBackAfter) {
      this(status, comeBackAfter, false);
    }

    static Decision settled(PermissionSetProvisioningStatus status) {
      return new Decision(status, Optional.empty());
    }

    static Decision writeThenDecideAgain(PermissionSetProvisioningStatus status) {
      return new Decision(status, Optional.empty(), true);
    }
  }

  @Override
  public List<EventSource<?, PermissionSetProvisioning>> prepareEventSources(
      EventSourceContext<PermissionSetProvisioning> context) {
    turns.watch(new InFlightIndex(context.getPrimaryCache()));
    return List.of(wakeUps, new CredentialSecrets().eventSource(context));
  }

  @Override
  public UpdateControl<PermissionSetProvisioning> reconcile(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioningStatus observed =
        resource.getStatus() == null ? new PermissionSetProvisioningStatus() : resource.getStatus();
    Decision decision = decide(resource, observed.copy(), context);
    if (decision.decideAgainOnceWritten()) {
      return reconcile(write(resource, observed, decision.status(), context), context);
    }
    return report(resource, observed, decision, context);
  }

  private Decision decide(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      Context<PermissionSetProvisioning> context) {
    Optional<String> problem = SpecValidator.problem(resource.getSpec());
    if (problem.isPresent()) {
      turns.leave(ResourceID.fromResource(resource));
      next.setPendingProvision(null);
      statuses.apply(resource, next, ConditionReason.INVALID_SPEC, problem.get() + ".");
      return Decision.settled(next);
    }
    if (waitsForSpecChange(resource, next)) {
      return Decision.settled(next);
    }
    try {
      IdentityCenterClient client = clients.forCredentials(credentials.resolve(resource));
      if (InFlightIndex.hasRequestInFlight(next) && !requestMadeForCurrentGeneration(resource, next)
          && !schedule.overdue(Instant.parse(next.getRequestedAt()), statuses.now())) {
        return finishPreviousThenProvision(resource, next, client, context);
      }
      if (requestMadeForCurrentGeneration(resource, next)) {
        return ProvisioningStatus.fromWire(next.getProvisioningStatus()).finished() ? Decision.settled(next)
            : follow(resource, next, client);
      }
      return provision(resource, next, client, context);
    } catch (CredentialsException e) {
      return cloudErrors.credentialsUnavailable(resource, next, e);
    }
  }

  private Decision follow(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterClient client) {
    try {
      Optional<ProvisioningRequest> finished = progress(resource, next.getRequestId(), client);
      return finished.isPresent() ? record(resource, next, finished.get(), statuses.now())
          : inFlight(resource, next, next.getProvisioningStatus(), statuses.now());
    } catch (IdentityCenterException e) {
      return failedToFollow(resource, next, e);
    }
  }

  /**
   * The request's outcome once it finished, from the shared tracker; from a describe of its own when the tracker
   * cannot list the instance's requests, so that the resource shows the cloud's error and still gets its outcome.
   */
  private Optional<ProvisioningRequest> progress(PermissionSetProvisioning resource, String requestId,
      IdentityCenterClient client) {
    String instanceId = resource.getSpec().getInstanceId();
    RequestTracker.Progress progress = tracker.follow(client, trackingKey(resource), instanceId, requestId,
        ResourceID.fromResource(resource), resource.getMetadata().getUid());
    if (progress instanceof RequestTracker.Progress.Finished finished) {
      return Optional.of(finished.request());
    }
    if (progress instanceof RequestTracker.Progress.ListingFails) {
      return Optional.of(client.describeProvisioning(instanceId, requestId)).filter(r -> r.status().finished());
    }
    return Optional.empty();
  }

  /** Resources that reach an instance with the same credentials share what the tracker lists. */
  private static String trackingKey(PermissionSetProvisioning resource) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    return spec.getInstanceId() + "|" + (spec.getCredentialsSecretRef() == null ? ""
        : resource.getMetadata().getNamespace() + "/" + spec.getCredentialsSecretRef().getName());
  }

  private Decision failedToFollow(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterException e) {
    if (e.category() == ErrorCategory.NOT_FOUND) {
      turns.leave(ResourceID.fromResource(resource));
    }
    return cloudErrors.failedCall(resource, next, e, true);
  }

  /**
   * A failed provision leaves the turn and forgets the intent only when nothing can be in flight: this process
   * knows the call was refused or never sent. Throttling and conflicts pass in seconds, so the resource keeps its
   * place rather than go to the back of the line.
   */
  private Decision failedToProvision(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterException e) {
    boolean nothingInFlight = provisioning.nothingInFlight(resource.getMetadata().getUid(),
        next.getPendingProvision());
    boolean passesSoon = e.category() == ErrorCategory.THROTTLED || e.category() == ErrorCategory.CONFLICT;
    if (nothingInFlight && !passesSoon) {
      turns.leave(ResourceID.fromResource(resource));
      next.setPendingProvision(null);
    }
    return cloudErrors.failedCall(resource, next, e, false);
  }

  /** A request for an older generation is still in flight, and the cloud takes one at a time: it goes first. */
  private Decision finishPreviousThenProvision(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus next, IdentityCenterClient client, Context<PermissionSetProvisioning> context) {
    Optional<ProvisioningRequest> previous;
    try {
      previous = progress(resource, next.getRequestId(), client);
    } catch (IdentityCenterException e) {
      return failedToFollow(resource, next, e);
    }
    if (previous.isEmpty()) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Waiting for request " + next.getRequestId()
          + ", made for generation " + next.getRequestGeneration() + ", to finish before provisioning generation "
          + resource.getMetadata().getGeneration() + ": the cloud takes one provisioning of a permission set at a "
          + "time.");
      return new Decision(next, Optional.of(schedule.nextBackstopCheck()));
    }
    next.setProvisioningStatus(previous.get().reportedStatus());
    turns.leave(ResourceID.fromResource(resource));
    return provision(resource, next, client, context);
  }

  private Decision provision(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterClient client, Context<PermissionSetProvisioning> context) {
    try {
      return provisionCurrentGeneration(resource, next, client, context);
    } catch (IdentityCenterException e) {
      return failedToProvision(resource, next, e);
    }
  }

  private Decision provisionCurrentGeneration(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus next, IdentityCenterClient client, Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    long generation = resource.getMetadata().getGeneration();
    ResourceID id = ResourceID.fromResource(resource);
    PendingProvision pending = next.getPendingProvision();
    boolean intentRecorded = pending != null && Objects.equals(pending.getGeneration(), generation);
    Optional<String> permissionSetId = resolvedForThisGeneration(resource, next, intentRecorded)
        ? Optional.of(next.getPermissionSetId()) : resolvePermissionSet(client, spec);
    if (permissionSetId.isEmpty()) {
      turns.leave(id);
      next.setPendingProvision(null);
      statuses.apply(resource, next, ConditionReason.PERMISSION_SET_NOT_FOUND, "Instance " + spec.getInstanceId()
          + " has no permission set named '" + spec.getPermissionSetName() + "' (spec.permissionSetName); "
          + "names are case-sensitive.");
      return Decision.settled(next);
    }
    next.setPermissionSetId(permissionSetId.get());
    next.setAccountId(spec.getTargetId());
    Turn turn = turns.take(new Key(spec.getInstanceId(), permissionSetId.get()), id, waitingSince(next));
    if (!turn.granted()) {
      statuses.apply(resource, next, ConditionReason.WAITING_FOR_PERMISSION_SET, "Waiting for its turn at "
          + "permission set " + permissionSetId.get() + ": Identity Center provisions a permission set to one "
          + "target at a time, and resources take turns in the order they started waiting.");
      return new Decision(next, Optional.of(turn.nextButHolderUnconfirmed() ? schedule.nextUnconfirmedTurnCheck()
          : schedule.nextBackstopCheck()));
    }
    if (!intentRecorded) {
      next.setPendingProvision(new PendingProvision(generation, ProvisioningStatusFactory.timestamp(statuses.now())));
      provisioning.intentRecorded(resource.getMetadata().getUid(), generation);
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(next) + ": calling "
          + "Identity Center.");
      return Decision.writeThenDecideAgain(next);
    }
    String uid = resource.getMetadata().getUid();
    String permissionSetToProvision = next.getPermissionSetId();
    Optional<ProvisionCalls.Answer> answer = calls.answerOrCall(uid, generation, id, () -> {
      ProvisioningRequest request = provisioning.findOrSend(client, uid, pending, spec.getInstanceId(),
          permissionSetToProvision, target(spec), () -> requestsOfOtherChanges(resource, context));
      if (!request.status().finished()) {
        tracker.follow(client, trackingKey(resource), spec.getInstanceId(), request.requestId(), id, uid);
      }
      return request;
    });
    if (answer.isEmpty()) {
      return new Decision(next, Optional.of(schedule.nextBackstopCheck()));
    }
    ProvisioningRequest request = answer.get().requestOrThrow();
    next.setPendingProvision(null);
    next.setRequestGeneration(generation);
    next.setRequestedAt(pending.getRecordedAt());
    next.setCompletedAt(null);
    next.setFailureReason(null);
    if (request.status().finished()) {
      return record(resource, next, request, statuses.now());
    }
    // the call thread started tracking the request: it may have finished while the answer waited to be picked up
    next.setRequestId(request.requestId());
    next.setProvisioningStatus(request.reportedStatus());
    return follow(resource, next, client);
  }

  private Decision record(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      ProvisioningRequest request, Instant now) {
    next.setRequestId(request.requestId());
    next.setProvisioningStatus(request.reportedStatus());
    request.accountId().ifPresent(next::setAccountId);
    request.permissionSetId().ifPresent(next::setPermissionSetId);
    switch (request.status()) {
      case SUCCEEDED -> {
        turns.leave(ResourceID.fromResource(resource));
        next.setCompletedAt(ProvisioningStatusFactory.timestamp(now));
        statuses.apply(resource, next, ConditionReason.PROVISIONED, "Provisioned " + subject(next) + " (request "
            + request.requestId() + ").");
        return Decision.settled(next);
      }
      case FAILED -> {
        turns.leave(ResourceID.fromResource(resource));
        String reason = request.failureReason().map(PermissionSetProvisioningReconciler::capped)
            .orElse("the cloud gave no reason");
        next.setCompletedAt(ProvisioningStatusFactory.timestamp(now));
        next.setFailureReason(reason);
        statuses.apply(resource, next, ConditionReason.PROVISIONING_FAILED, "Identity Center failed to provision "
            + subject(next) + " (request " + request.requestId() + "): " + reason + " Fix the cause, then change "
            + "the spec to provision again.");
        return Decision.settled(next);
      }
      default -> {
        return inFlight(resource, next, request.reportedStatus(), now);
      }
    }
  }

  /** The tracker wakes the resource when its request finishes; until then it is looked at only as a backstop. */
  private Decision inFlight(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      String reportedStatus, Instant now) {
    if (schedule.overdue(Instant.parse(next.getRequestedAt()), now)) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING_TIMED_OUT, "Request " + next.getRequestId()
          + " to provision " + subject(next) + " is still " + reportedStatus + " after "
          + schedule.provisioningTimeout() + " (PROVISIONING_TIMEOUT). The operator keeps checking it; to "
          + "provision again instead, change the spec, or delete and re-create the resource.");
    } else {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(next) + ": request "
          + next.getRequestId() + " is " + reportedStatus + ".");
    }
    return new Decision(next, Optional.of(schedule.nextBackstopCheck()));
  }

  /** The cloud's words, kept short enough for status and a condition message. */
  private static String capped(String failureReason) {
    return failureReason.length() <= MAX_FAILURE_REASON ? failureReason
        : failureReason.substring(0, MAX_FAILURE_REASON) + "…";
  }

  private static String subject(PermissionSetProvisioningStatus status) {
    return "permission set " + status.getPermissionSetId() + (status.getAccountId() == null
        ? " to all accounts it is provisioned to" : " to account " + status.getAccountId());
  }

  /** A stalled resource whose outcome only a new spec can change: the cloud is not asked again. */
  private static boolean waitsForSpecChange(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus status) {
    return status.condition(ProvisioningStatusFactory.STALLED)
        .filter(stalled -> "True".equals(stalled.getStatus()))
        .filter(stalled -> Objects.equals(stalled.getObservedGeneration(), resource.getMetadata().getGeneration()))
        .flatMap(stalled -> ConditionReason.fromReason(stalled.getReason()))
        .map(ConditionReason::waitsForSpecChange)
        .orElse(false);
  }

  private static boolean requestMadeForCurrentGeneration(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus status) {
    return status.getRequestId() != null
        && Objects.equals(status.getRequestGeneration(), resource.getMetadata().getGeneration());
  }

  /**
   * Whether status holds the permission set ID resolved for this generation: recorded with the intent, or while
   * the resource waits for its turn, which it may do for long, so the name is not looked up at every look.
   */
  private static boolean resolvedForThisGeneration(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus status, boolean intentRecorded) {
    if (status.getPermissionSetId() == null) {
      return false;
    }
    return intentRecorded || status.condition(ProvisioningStatusFactory.READY)
        .filter(ready -> ConditionReason.WAITING_FOR_PERMISSION_SET.reason().equals(ready.getReason()))
        .filter(ready -> Objects.equals(ready.getObservedGeneration(), resource.getMetadata().getGeneration()))
        .isPresent();
  }

  /**
   * Since when the resource waits for its turn: as its conditions say when it already waited, so the order survives
   * restarts, else now, exactly, so that resources that start waiting within one second keep their order.
   */
  private Instant waitingSince(PermissionSetProvisioningStatus status) {
    return status.condition(ProvisioningStatusFactory.READY)
        .filter(ready -> ConditionReason.WAITING_FOR_PERMISSION_SET.reason().equals(ready.getReason()))
        .map(Condition::getLastTransitionTime)
        .map(Instant::parse)
        .orElseGet(statuses::exactNow);
  }

  /**
   * The requests other resources recorded, and this one's request of an earlier generation: none of them can be
   * what the current generation's call made.
   */
  private static Set<String> requestsOfOtherChanges(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    ResourceID self = ResourceID.fromResource(resource);
    return Stream.concat(Stream.of(resource), context.getPrimaryCache().list()
            .filter(other -> !ResourceID.fromResource(other).equals(self)))
        .map(PermissionSetProvisioning::getStatus)
        .filter(Objects::nonNull)
        .map(PermissionSetProvisioningStatus::getRequestId)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private static Optional<String> resolvePermissionSet(IdentityCenterClient client,
      PermissionSetProvisioningSpec spec) {
    if (spec.getPermissionSetId() != null) {
      return Optional.of(spec.getPermissionSetId());
    }
    return client.findPermissionSetByName(spec.getInstanceId(), spec.getPermissionSetName())
        .map(permissionSet -> permissionSet.id());
  }

  private static ProvisioningTarget target(PermissionSetProvisioningSpec spec) {
    return spec.effectiveTargetType() == TargetType.ALL_PROVISIONED_ACCOUNTS
        ? ProvisioningTarget.allProvisionedAccounts()
        : ProvisioningTarget.account(spec.getTargetId());
  }

  private UpdateControl<PermissionSetProvisioning> report(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus observed, Decision decision, Context<PermissionSetProvisioning> context) {
    write(resource, observed, decision.status(), context);
    UpdateControl<PermissionSetProvisioning> control = UpdateControl.noUpdate();
    decision.comeBackAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * Writes the status when it changed, with optimistic locking, and caches what was written for the next reconcile;
   * returns the resource as written, or as read when its status did not change. Every decision here rests on the
   * status it read: a reconcile that ran on a stale copy (a reschedule can come before the watch delivers the last
   * write) must not write, so a conflict fails the reconcile instead of being retried on top of a newer status, and
   * JOSDK runs it again on the fresh one. The observer hears of what was written only.
   */
  private PermissionSetProvisioning write(PermissionSetProvisioning resource, PermissionSetProvisioningStatus observed,
      PermissionSetProvisioningStatus status, Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioning written = status.equals(observed) ? resource
        : PrimaryUpdateAndCacheUtils.updateAndCacheResource(resource, context, current -> {
          current.setStatus(status);
          return current;
        }, changed -> context.getClient().resource(changed).updateStatus(), 0, 0, 0);
    observer.reported(resource, observed, status);
    return written;
  }
}
