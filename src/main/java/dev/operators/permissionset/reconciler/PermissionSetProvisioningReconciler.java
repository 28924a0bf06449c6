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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions the permission set once per spec generation and follows the request until the cloud says it
 * SUCCEEDED or FAILED. It never waits for the cloud on its thread: what it started goes into status, and the
 * resource comes back on a schedule or an event.
 *
 * <p>Exactly one provision call per generation, whenever the operator dies:
 * <ol>
 *   <li>Before the call, {@code status.pendingProvision} records the generation and the time. The call is made only
 *       by the next reconcile, once that write has succeeded.
 *   <li>The call is sent straight away only when this process recorded the intent and has not sent it yet, or when
 *       the cloud certainly refused the attempt before (4xx, 429, 409: {@link UnsentProvisions}).
 *   <li>Otherwise the cloud may have the request already: the operator restarted, or the answer was lost (I/O error,
 *       timeout, 5xx, an unreadable answer). {@link RequestRecovery} looks for a request for this permission set
 *       and target created since the intent; found, it is adopted; not found, the call is sent.
 *   <li>The status write that records the answer replaces pendingProvision with the request ID.
 * </ol>
 * Identity Center takes one provisioning of a permission set at a time, so resources take turns:
 * {@link PermissionSetTurns}.
 */
@ControllerConfiguration(name = PermissionSetProvisioningReconciler.NAME)
public class PermissionSetProvisioningReconciler implements Reconciler<PermissionSetProvisioning> {

  public static final String NAME = "permissionsetprovisioning";
  static final String IN_FLIGHT_INDEX = "in-flight-by-permission-set";
  private static final Logger LOG = LoggerFactory.getLogger(PermissionSetProvisioningReconciler.class);

  private final IdentityCenterClientFactory clients;
  private final CredentialsResolver credentials;
  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;
  private final CloudErrors cloudErrors;
  private final TurnWakeUps wakeUps = new TurnWakeUps();
  private final PermissionSetTurns turns = new PermissionSetTurns(wakeUps::wakeUp);
  private final UnsentProvisions unsent = new UnsentProvisions();
  private final RequestRecovery recovery = new RequestRecovery();

  public PermissionSetProvisioningReconciler(IdentityCenterClientFactory clients, CredentialsResolver credentials,
      ProvisioningStatusFactory statuses, ProvisioningSchedule schedule) {
    this.clients = clients;
    this.credentials = credentials;
    this.statuses = statuses;
    this.schedule = schedule;
    this.cloudErrors = new CloudErrors(statuses, schedule);
  }

  /** The status to write and when to come back; no delay means the resource needs nothing until it changes. */
  record Decision(PermissionSetProvisioningStatus status, Optional<Duration> comeBackAfter) {

    static Decision settled(PermissionSetProvisioningStatus status) {
      return new Decision(status, Optional.empty());
    }
  }

  @Override
  public List<EventSource<?, PermissionSetProvisioning>> prepareEventSources(
      EventSourceContext<PermissionSetProvisioning> context) {
    var resources = context.getPrimaryCache();
    resources.addIndexer(IN_FLIGHT_INDEX, resource -> inFlightKey(resource).map(key -> List.of(key.indexValue()))
        .orElse(List.of()));
    turns.watch(new PermissionSetTurns.ResourceView() {
      @Override
      public boolean exists(ResourceID resource) {
        return resources.get(resource).isPresent();
      }

      @Override
      public boolean inFlight(ResourceID resource, Key key) {
        return resources.get(resource).flatMap(PermissionSetProvisioningReconciler::inFlightKey)
            .filter(key::equals).isPresent();
      }

      @Override
      public Optional<ResourceID> anyInFlight(Key key, ResourceID except) {
        return resources.byIndex(IN_FLIGHT_INDEX, key.indexValue()).stream().map(ResourceID::fromResource)
            .filter(resource -> !resource.equals(except)).findFirst();
      }
    });
    return List.of(wakeUps, new CredentialSecrets().eventSource(context));
  }

  @Override
  public UpdateControl<PermissionSetProvisioning> reconcile(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioningStatus observed =
        resource.getStatus() == null ? new PermissionSetProvisioningStatus() : resource.getStatus();
    Decision decision = decide(resource, observed.copy(), context);
    return report(resource, observed, decision);
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
      if (hasRequestInFlight(next) && !requestMadeForCurrentGeneration(resource, next)
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
      return record(resource, next, client.describeProvisioning(resource.getSpec().getInstanceId(),
          next.getRequestId()), statuses.now());
    } catch (IdentityCenterException e) {
      return failedToFollow(resource, next, e);
    }
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
    PendingProvision pending = next.getPendingProvision();
    boolean nothingInFlight = pending == null
        || unsent.contains(resource.getMetadata().getUid(), pending.getGeneration());
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
    ProvisioningRequest previous;
    try {
      previous = client.describeProvisioning(resource.getSpec().getInstanceId(), next.getRequestId());
    } catch (IdentityCenterException e) {
      return failedToFollow(resource, next, e);
    }
    next.setProvisioningStatus(previous.reportedStatus());
    if (!previous.status().finished()) {
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Waiting for request " + previous.requestId()
          + ", made for generation " + next.getRequestGeneration() + ", to finish before provisioning generation "
          + resource.getMetadata().getGeneration() + ": the cloud takes one provisioning of a permission set at a "
          + "time.");
      return new Decision(next, Optional.of(schedule.nextPoll(Instant.parse(next.getRequestedAt()),
          statuses.now())));
    }
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
    Optional<String> permissionSetId = intentRecorded && next.getPermissionSetId() != null
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
      return new Decision(next, Optional.of(schedule.nextTurnCheck()));
    }
    if (!intentRecorded) {
      next.setPendingProvision(new PendingProvision(generation, ProvisioningStatusFactory.timestamp(statuses.now())));
      unsent.add(resource.getMetadata().getUid(), generation);
      statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(next) + ": calling "
          + "Identity Center.");
      return new Decision(next, Optional.of(Duration.ZERO));
    }
    ProvisioningRequest request = findOrSend(resource, next, client, context, pending);
    next.setPendingProvision(null);
    next.setRequestGeneration(generation);
    next.setRequestedAt(pending.getRecordedAt());
    next.setCompletedAt(null);
    next.setFailureReason(null);
    return record(resource, next, request, statuses.now());
  }

  private ProvisioningRequest findOrSend(PermissionSetProvisioning resource, PermissionSetProvisioningStatus next,
      IdentityCenterClient client, Context<PermissionSetProvisioning> context, PendingProvision pending) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    String uid = resource.getMetadata().getUid();
    long generation = pending.getGeneration();
    if (!unsent.take(uid, generation)) {
      Optional<ProvisioningRequest> earlier = recovery.find(client, spec.getInstanceId(), next.getPermissionSetId(),
          target(spec), Instant.parse(pending.getRecordedAt()), requestsOfOtherChanges(resource, context));
      if (earlier.isPresent()) {
        LOG.info("Found request {} that an earlier provision call made for generation {}; not provisioning again",
            earlier.get().requestId(), generation);
        return earlier.get();
      }
    }
    try {
      ProvisioningRequest request = client.provision(spec.getInstanceId(), next.getPermissionSetId(), target(spec));
      LOG.info("Provisioning request {} made for generation {}: {}", request.requestId(), generation,
          request.reportedStatus());
      return request;
    } catch (IdentityCenterException e) {
      if (!e.category().mayHaveTakenEffect()) {
        unsent.add(uid, generation);
      }
      throw e;
    }
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
        String reason = request.failureReason().orElse("the cloud gave no reason");
        next.setCompletedAt(ProvisioningStatusFactory.timestamp(now));
        next.setFailureReason(reason);
        statuses.apply(resource, next, ConditionReason.PROVISIONING_FAILED, "Identity Center failed to provision "
            + subject(next) + " (request " + request.requestId() + "): " + reason + " Fix the cause, then change "
            + "the spec to provision again.");
        return Decision.settled(next);
      }
      default -> {
        Instant requestedAt = Instant.parse(next.getRequestedAt());
        Duration poll = schedule.nextPoll(requestedAt, now);
        if (schedule.overdue(requestedAt, now)) {
          statuses.apply(resource, next, ConditionReason.PROVISIONING_TIMED_OUT, "Request " + request.requestId()
              + " to provision " + subject(next) + " is still " + request.reportedStatus() + " after "
              + schedule.provisioningTimeout() + " (PROVISIONING_TIMEOUT). The operator keeps checking it; to "
              + "provision again instead, change the spec, or delete and re-create the resource.");
          return new Decision(next, Optional.of(poll));
        }
        statuses.apply(resource, next, ConditionReason.PROVISIONING, "Provisioning " + subject(next) + ": request "
            + request.requestId() + " is " + request.reportedStatus() + ".");
        return new Decision(next, Optional.of(poll));
      }
    }
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

  private static boolean hasRequestInFlight(PermissionSetProvisioningStatus status) {
    return status.getRequestId() != null && status.getRequestedAt() != null
        && !ProvisioningStatus.fromWire(status.getProvisioningStatus()).finished();
  }

  /**
   * The permission set a resource has a request in flight for (or is about to), as its status says: what the turns
   * rebuild themselves from after a restart.
   */
  static Optional<Key> inFlightKey(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null || status.getPermissionSetId() == null || resource.getSpec() == null
        || (status.getPendingProvision() == null && !hasRequestInFlight(status))) {
      return Optional.empty();
    }
    return Optional.of(new Key(resource.getSpec().getInstanceId(), status.getPermissionSetId()));
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

  private static UpdateControl<PermissionSetProvisioning> report(PermissionSetProvisioning resource,
      PermissionSetProvisioningStatus observed, Decision decision) {
    UpdateControl<PermissionSetProvisioning> control;
    if (decision.status().equals(observed)) {
      control = UpdateControl.noUpdate();
    } else {
      resource.setStatus(decision.status());
      control = UpdateControl.patchStatus(resource);
    }
    decision.comeBackAfter().ifPresent(control::rescheduleAfter);
    return control;
  }
}
