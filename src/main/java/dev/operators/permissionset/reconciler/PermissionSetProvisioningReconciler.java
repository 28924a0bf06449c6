package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.connection.ConnectionRegistry;
import dev.operators.permissionset.connection.ConnectionState;
import dev.operators.permissionset.connection.ReadyConnection;
import dev.operators.permissionset.drift.DriftCheckException;
import dev.operators.permissionset.drift.DriftChecks;
import dev.operators.permissionset.drift.DriftGroup;
import dev.operators.permissionset.identitycenter.CloudOperation;
import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.Page;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.reconciler.Decision.Action;
import dev.operators.permissionset.reconciler.Facts.Cloud;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Member;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Provisions the permission set once per spec generation and follows the request until the cloud says it
 * SUCCEEDED or FAILED. Each pass observes the facts ({@link Facts}: the spec's problems, what this process holds
 * for the resource, and where its {@link Stage} needs them the credentials, the cloud's answers and the resource's
 * turn), decides ({@link ProvisioningDecisions}, a pure function), writes the status and acts. It never waits for
 * the cloud on its thread: what it started goes into status, and the resource comes back on a schedule or an event.
 *
 * <p>Exactly one provision call per generation, whenever the operator dies:
 * <ol>
 *   <li>Before the call, {@code status.pendingProvision} records the generation, the permission set, the target and
 *       the time. The call is made only once that write has succeeded, on a thread of {@link ProvisionCalls}, which
 *       wakes the resource with the answer and keeps it until a status that records it has been read back.
 *   <li>The call is sent straight away only when this process recorded the intent and has not sent it yet, or when
 *       the cloud certainly refused the attempt before (4xx, 429, 409): {@link ExactlyOnceProvisioning}.
 *   <li>Otherwise the cloud may have the request already: the operator restarted, or the answer was lost (I/O error,
 *       timeout, 5xx, an unreadable answer). {@link RequestRecovery} looks for a request for this permission set
 *       and target created since the intent; found, it is adopted; not found, the call is sent.
 *   <li>The status write that records the answer replaces pendingProvision with the request ID. A status write that
 *       conflicts is decided again on a fresh read, never dropped.
 * </ol>
 * Identity Center takes one provisioning of a permission set at a time, so resources take turns:
 * {@link PermissionSetTurns}. A spec changed while a request is in flight waits for that request to finish.
 */
@ControllerConfiguration(name = PermissionSetProvisioningReconciler.NAME)
public class PermissionSetProvisioningReconciler implements Reconciler<PermissionSetProvisioning>, AutoCloseable {

  public static final String NAME = "permissionsetprovisioning";
  /** Provision calls wait for the rate limit one after another, so a few threads keep it busy. */
  static final int PROVISION_CALL_THREADS = 4;
  /** Passes in one reconcile: a write that records an intent or an answer, and conflicts decided again. */
  static final int MAX_PASSES = 8;
  /** Far more pages of out-of-date accounts than an organization has (100 accounts a page); a bound on a loop. */
  static final int MAX_DRIFT_PAGES = 1_000;
  /** How often the request of a deleted resource's uncertain intent is looked for before its turn passes on. */
  static final int MAX_SEARCHES_FOR_DELETED = 5;

  private static final String CONNECTION_INDEX = "by-connection";

  private final IdentityCenterClientFactory clients;
  private final ConnectionRegistry connections;
  private final Consumer<ConnectionKey> usersChanged;
  private final ProvisioningStatusFactory statuses;
  private final ProvisioningSchedule schedule;
  private final ProvisioningDecisions decisions;
  private final ProvisioningObserver observer;
  private final WakeUps<PermissionSetProvisioning> wakeUps = new WakeUps<>(new Lifecycle());
  private final PermissionSetTurns turns = new PermissionSetTurns(wakeUps::wakeUp);
  private final ProvisionCalls calls = new ProvisionCalls(PROVISION_CALL_THREADS, wakeUps::wakeUp,
      this::answeredAfterDelete);
  private final RequestTracker tracker;
  private final ExactlyOnceProvisioning provisioning;
  private final Map<String, DeletedIntent> deletedWithCallRunning = new ConcurrentHashMap<>();
  private final DriftChecks drift;
  private IndexerResourceCache<PermissionSetProvisioning> resources;
  private ConnectionLookup connectionLookup;

  /**
   * @param connections the connections' states, as the connection controllers checked them
   * @param usersChanged told when a resource starts or stops using a connection
   */
  public PermissionSetProvisioningReconciler(IdentityCenterClientFactory clients, ConnectionRegistry connections,
      Consumer<ConnectionKey> usersChanged, ProvisioningStatusFactory statuses, ProvisioningSchedule schedule,
      ProvisioningObserver observer, DriftChecks.Observer driftObserver) {
    this.clients = clients;
    this.connections = connections;
    this.usersChanged = usersChanged;
    this.statuses = statuses;
    this.schedule = schedule;
    this.observer = observer;
    this.decisions = new ProvisioningDecisions(statuses, schedule);
    this.tracker = new RequestTracker(statuses.clock(), schedule.timing().pollInitial(), schedule.timing().pollMax(),
        schedule.timing().cloudListLag(), this::requestFinished);
    this.provisioning = new ExactlyOnceProvisioning(statuses.clock(), schedule.timing().cloudListLag());
    this.drift = new DriftChecks(statuses.clock(), schedule.timing().driftCheckInterval(),
        checkAfterProvisioning(schedule.timing().cloudListLag()), this::outOfDateAccounts, driftObserver,
        wakeUps::wakeUp, System.nanoTime());
  }

  /**
   * The cloud's lists show the provisioning after their lag; the check counts for the resource only from the second
   * after the one its completedAt names.
   */
  private static Duration checkAfterProvisioning(Duration cloudListLag) {
    return cloudListLag.compareTo(DriftStatus.TIMESTAMP_PRECISION) > 0 ? cloudListLag
        : DriftStatus.TIMESTAMP_PRECISION;
  }

  /** Every page of the accounts that hold an out-of-date copy of the group's permission set, through its connection. */
  private List<String> outOfDateAccounts(DriftGroup group) {
    Optional<ConnectionState> state = connections.state(group.connection());
    if (!(state.orElse(null) instanceof ConnectionState.Usable usable)) {
      throw new DriftCheckException(group.connection() + " is not Ready.");
    }
    IdentityCenterClient client = clients.forConnection(usable.connection().access());
    List<String> accounts = new ArrayList<>();
    Optional<String> marker = Optional.empty();
    int pages = 0;
    do {
      Page<String> page;
      try {
        page = client.listAccountsForProvisionedPermissionSet(group.instanceId(), group.permissionSetId(),
            Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED), marker);
      } catch (IdentityCenterException e) {
        throw new DriftCheckException(e.summary() + ".");
      }
      accounts.addAll(page.items());
      marker = page.nextMarker().filter(next -> !next.isBlank());
    } while (marker.isPresent() && ++pages < MAX_DRIFT_PAGES);
    return accounts;
  }

  /**
   * The cloud is done with the resource's request: the next resource in line may start at once, while this one
   * records the outcome; unless the resource already went on to another provisioning.
   */
  private void requestFinished(ResourceID resource, String uid, String requestId) {
    if (!movedOn(resource, uid, requestId)) {
      turns.leave(uid);
    }
    wakeUps.wakeUp(resource);
  }

  /**
   * Whether the resource went on to another provisioning after the request that finished (the tracker may notice
   * the end late): it holds the turn for that one now, and gives it up when that one ends.
   */
  private boolean movedOn(ResourceID resource, String uid, String requestId) {
    return resources != null && movedOn(resources.get(resource), uid, requestId);
  }

  /** As the cached resource shows: the same resource (uid), with an intent or a request other than this one. */
  static boolean movedOn(Optional<PermissionSetProvisioning> cached, String uid, String requestId) {
    return cached.filter(resource -> uid.equals(resource.getMetadata().getUid()) && resource.getStatus() != null)
        .map(PermissionSetProvisioning::getStatus)
        .filter(status -> status.getPendingProvision() != null || !requestId.equals(status.getRequestId()))
        .isPresent();
  }

  /** Keeps the connections' counts of users, and lets go of what is kept for a deleted resource. */
  private final class Lifecycle implements ResourceEventAware<PermissionSetProvisioning> {

    @Override
    public void onResourceCreated(PermissionSetProvisioning resource) {
      usersChanged.accept(ConnectionKey.of(resource));
    }

    @Override
    public void onResourceUpdated(PermissionSetProvisioning resource, PermissionSetProvisioning oldResource) {
      ConnectionKey now = ConnectionKey.of(resource);
      ConnectionKey before = ConnectionKey.of(oldResource);
      if (!now.equals(before)) {
        usersChanged.accept(now);
        usersChanged.accept(before);
      }
    }

    @Override
    public void onResourceDeleted(PermissionSetProvisioning resource) {
      forget(resource);
      usersChanged.accept(ConnectionKey.of(resource));
    }
  }

  /** How many resources use the connection, as the cache shows them. */
  public int users(ConnectionKey key) {
    return resources == null ? 0 : resources.byIndex(CONNECTION_INDEX, key.toString()).size();
  }

  /**
   * The resource was deleted: nothing of it is kept, and its turn passes on at once, unless the cloud still works on
   * a request it made: the permission set is busy until that request finishes, which the tracker follows on.
   */
  private void forget(PermissionSetProvisioning deleted) {
    String uid = deleted.getMetadata().getUid();
    drift.unwatch(uid);
    PermissionSetProvisioningStatus status = deleted.getStatus();
    boolean uncertain = status != null && !provisioning.certainlyUnsent(uid, status.getPendingProvision());
    if (status != null && status.getRequestId() != null && status.getPermissionSetId() != null) {
      provisioning.requestOfDeletedResource(status.getRequestId(), status.getPermissionSetId(),
          Optional.ofNullable(status.getAccountId()));
    }
    calls.answer(uid).map(ProvisionCalls.Answer::outcome).ifPresent(this::madeByDeletedResource);
    boolean callRunning = calls.forget(uid).running();
    if (callRunning) {
      deletedWithCallRunning.put(uid, new DeletedIntent(deleted, 0));
    }
    if (callRunning || tracker.follows(uid) || (uncertain && lookForTheRequestOf(new DeletedIntent(deleted, 0)))) {
      turns.deletedWhileBusy(uid);
    } else {
      letGo(uid);
    }
  }

  /** Nothing of the deleted resource can be in flight any more: its turn passes on, and nothing of it is kept. */
  private void letGo(String uid) {
    provisioning.forget(uid);
    tracker.forget(uid);
    turns.leave(uid);
  }

  /**
   * A deleted resource whose intent's call may have reached the cloud, and how often its request has been looked for.
   */
  private record DeletedIntent(PermissionSetProvisioning resource, int searches) {
  }

  /**
   * A resource deleted with an intent whose call may have reached the cloud (an earlier process made it, or its
   * answer got lost) may have a request in flight that nobody knows of: it is looked for, so that the permission set
   * stays busy while it runs, and so that the next resource of the same name never takes it for its own.
   *
   * @return whether the search started: its answer ends the deleted resource's turn
   */
  private boolean lookForTheRequestOf(DeletedIntent deleted) {
    if (resources == null || deleted.searches() >= MAX_SEARCHES_FOR_DELETED) {
      return false;
    }
    ConnectionLookup.Found connection = connectionLookup.find(deleted.resource());
    if (!(connection instanceof ConnectionLookup.Found.Usable usable)) {
      return false;
    }
    PermissionSetProvisioning resource = deleted.resource();
    String uid = resource.getMetadata().getUid();
    deletedWithCallRunning.put(uid, new DeletedIntent(resource, deleted.searches() + 1));
    ReadyConnection ready = usable.connection();
    IdentityCenterClient client = clients.forConnection(ready.access());
    PendingProvision pending = resource.getStatus().getPendingProvision();
    String instanceId = resource.getSpec().getInstanceId();
    calls.start(uid, pending.getGeneration(), ResourceID.fromResource(resource), () -> {
      CallOutcome outcome = provisioning.findOrSend(client, uid, pending, instanceId, target(pending),
          () -> requestsOfOtherChanges(resource), false);
      // the lists may not show the request yet: this search is all that keeps the permission set busy, so it waits
      while (outcome instanceof CallOutcome.NotListedYet notYet) {
        sleepUntil(notYet.lookAgainAt());
        outcome = provisioning.findOrSend(client, uid, pending, instanceId, target(pending),
            () -> requestsOfOtherChanges(resource), false);
      }
      if (outcome instanceof CallOutcome.Requested requested && !requested.request().status().finished()) {
        tracker.follow(client, trackingKey(resource), instanceId, requested.request().requestId(),
            ResourceID.fromResource(resource), uid);
      }
      return outcome;
    });
    ProvisionCalls.Forgotten forgotten = calls.forget(uid);
    if (forgotten.running()) {
      return true;
    }
    if (forgotten.answer().isPresent()) {
      // the search answered before it could be handed on: what it found keeps the turn as a late answer would
      answeredAfterDelete(uid, forgotten.answer().get());
      return true;
    }
    deletedWithCallRunning.remove(uid);
    return false;
  }

  /**
   * A call of a deleted resource answered: a request in flight is followed by the tracker, which ends the turn with
   * it; a call whose answer got lost is looked for; anything else ends the turn now.
   */
  private void answeredAfterDelete(String uid, CallOutcome outcome) {
    madeByDeletedResource(outcome);
    DeletedIntent deleted = deletedWithCallRunning.remove(uid);
    if (outcome instanceof CallOutcome.Requested requested && !requested.request().status().finished()
        && tracker.follows(uid)) {
      return;
    }
    boolean uncertain = outcome instanceof CallOutcome.NotListedYet
        || (outcome instanceof CallOutcome.Failed failed && failed.error().category().mayHaveTakenEffect());
    if (uncertain && deleted != null && lookForTheRequestOf(deleted)) {
      return;
    }
    letGo(uid);
  }

  private void sleepUntil(Instant at) {
    Duration wait = Duration.between(statuses.exactNow(), at);
    if (wait.isNegative()) {
      return;
    }
    try {
      Thread.sleep(wait.toMillis() + 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IdentityCenterException(CloudOperation.LIST_PROVISIONING, ErrorCategory.UNAVAILABLE, 0, null,
          "interrupted while waiting for the cloud's lists", null, e);
    }
  }

  private static ProvisioningTarget target(PendingProvision pending) {
    return pending.getAccountId() == null ? ProvisioningTarget.allProvisionedAccounts()
        : ProvisioningTarget.account(pending.getAccountId());
  }

  private void madeByDeletedResource(CallOutcome outcome) {
    if (outcome instanceof CallOutcome.Requested requested && requested.request().permissionSetId().isPresent()) {
      ProvisioningRequest request = requested.request();
      provisioning.requestOfDeletedResource(request.requestId(), request.permissionSetId().get(),
          request.accountId());
    }
  }

  /** This replica no longer leads: no provision call may leave it from now on. */
  public void stopProvisioning() {
    calls.stop();
  }

  @Override
  public void close() {
    tracker.close();
    calls.close();
    drift.close();
  }

  @Override
  public List<EventSource<?, PermissionSetProvisioning>> prepareEventSources(
      EventSourceContext<PermissionSetProvisioning> context) {
    resources = context.getPrimaryCache();
    turns.watch(new InFlightIndex(resources));
    resources.addIndexer(CONNECTION_INDEX, resource -> List.of(ConnectionKey.of(resource).toString()));
    InformerEventSource<IdentityCenterConnection, PermissionSetProvisioning> namespaced = connectionSource(
        IdentityCenterConnection.class, context, true);
    InformerEventSource<ClusterIdentityCenterConnection, PermissionSetProvisioning> clusterScoped = connectionSource(
        ClusterIdentityCenterConnection.class, context, false);
    InformerEventSource<Namespace, PermissionSetProvisioning> namespaces = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Namespace.class, PermissionSetProvisioning.class)
            .withName("namespaces")
            .withNamespaces(Set.of(Constants.WATCH_ALL_NAMESPACES))
            .withSecondaryToPrimaryMapper(namespace -> resources.list(namespace.getMetadata().getName())
                .filter(resource -> ConnectionKey.of(resource).namespace().isEmpty())
                .map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(), context);
    connectionLookup = new ConnectionLookup(connections, new ConnectionLookup.Cluster() {
      @Override
      public Optional<IdentityCenterConnectionSpec> connection(ConnectionKey key) {
        return (key.namespace().isPresent() ? namespaced.get(key.resourceId()).map(CustomResource::getSpec)
            : clusterScoped.get(key.resourceId()).map(CustomResource::getSpec));
      }

      @Override
      public Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(found -> found.getMetadata().getLabels())
            .filter(Objects::nonNull).orElse(Map.of());
      }
    });
    return List.of(wakeUps, namespaced, clusterScoped, namespaces);
  }

  /**
   * Connections of one kind. A change that matters to the resources that use the connection wakes them: its spec
   * (who it admits), or its Ready condition; not the rest of its status, such as when it was last checked.
   */
  private <C extends CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus>>
      InformerEventSource<C, PermissionSetProvisioning> connectionSource(Class<C> kind,
      EventSourceContext<PermissionSetProvisioning> context, boolean namespaced) {
    InformerEventSourceConfiguration.Builder<C> configuration = InformerEventSourceConfiguration
        .from(kind, PermissionSetProvisioning.class)
        .withName(kind.getSimpleName())
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getGeneration(),
            before.getMetadata().getGeneration()) || !Objects.equals(readiness(now), readiness(before)))
        .withSecondaryToPrimaryMapper(connection -> resources.byIndex(CONNECTION_INDEX,
                ConnectionKey.of(connection).toString()).stream()
            .map(ResourceID::fromResource).collect(Collectors.toSet()));
    if (namespaced) {
      configuration.withNamespacesInheritedFromController();
    } else {
      configuration.withNamespaces(Set.of(Constants.WATCH_ALL_NAMESPACES));
    }
    return new InformerEventSource<>(configuration.build(), context);
  }

  @Override
  public UpdateControl<PermissionSetProvisioning> reconcile(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioning current = resource;
    for (int pass = 1; ; pass++) {
      Observed observed = observe(current, context);
      Decision decision = decisions.decide(current, observed.facts());
      Optional<PermissionSetProvisioning> written = write(current, decision, context);
      if (written.isEmpty()) {
        Optional<PermissionSetProvisioning> fresh = pass < MAX_PASSES ? reread(current, context) : Optional.empty();
        if (fresh.isEmpty()) {
          return UpdateControl.<PermissionSetProvisioning>noUpdate().rescheduleAfter(schedule.nextRetry(
              statuses.now(), statuses.now()));
        }
        current = fresh.get();
        continue;
      }
      act(current, decision, observed, context);
      if (!decision.decideAgainOnceWritten() || pass >= MAX_PASSES) {
        UpdateControl<PermissionSetProvisioning> control = UpdateControl.noUpdate();
        decision.comeBackAfter().ifPresent(control::rescheduleAfter);
        return control;
      }
      current = written.get();
    }
  }

  /** The facts and, where the stage asks the cloud, the client to ask it with. */
  private record Observed(Facts facts, Optional<IdentityCenterClient> client) {
  }

  private Observed observe(PermissionSetProvisioning resource, Context<PermissionSetProvisioning> context) {
    String uid = resource.getMetadata().getUid();
    Facts facts = Facts.of(statuses.now(), SpecValidator.problem(resource.getSpec()), calls.answer(uid),
        calls.running(uid))
        .withBackOffUntil(calls.backOffUntil(uid));
    Stage stage = Stage.of(resource, facts, schedule);
    if (stage == Stage.SETTLED && Reprovisioning.provisioned(resource)) {
      return new Observed(facts.withDrift(drift.latest(ProvisioningDecisions.driftGroup(resource,
          resource.getStatus()))), Optional.empty());
    }
    if (!stage.needsCloud()) {
      return new Observed(facts, Optional.empty());
    }
    ConnectionLookup.Found connection = connectionLookup.find(resource);
    if (connection instanceof ConnectionLookup.Found.Refused refused) {
      return new Observed(facts.withConnectionProblem(refused.problem()), Optional.empty());
    }
    ReadyConnection ready = ((ConnectionLookup.Found.Usable) connection).connection();
    Optional<String> idProblem = stage == Stage.PROVISION
        ? CloudIds.problem(ready.access(), resource.getSpec(), ready.key()) : Optional.empty();
    if (idProblem.isPresent()) {
      return new Observed(facts.withSpecProblem(idProblem.get()), Optional.empty());
    }
    IdentityCenterClient client = clients.forConnection(ready.access());
    PermissionSetProvisioningStatus status = resource.getStatus();
    Facts observed = switch (stage) {
      case FOLLOW -> facts.with(progress(resource, status.getRequestId(), client));
      case CARRY_OUT_INTENT -> facts.with(turn(resource, status.getPendingProvision().getPermissionSetId(),
          heldBefore(status)));
      case PROVISION -> {
        Cloud resolved = resolvePermissionSet(resource, client);
        yield resolved instanceof Cloud.PermissionSetResolved id
            ? facts.with(resolved).with(turn(resource, id.permissionSetId(), false)).withRequestsOfDeleted(
                provisioning.requestsOfDeleted(id.permissionSetId(),
                    Optional.ofNullable(ProvisioningDecisions.accountId(resource.getSpec()))))
            : facts.with(resolved);
      }
      default -> facts;
    };
    return new Observed(observed, Optional.of(client));
  }

  private void act(PermissionSetProvisioning resource, Decision decision, Observed observed,
      Context<PermissionSetProvisioning> context) {
    String uid = resource.getMetadata().getUid();
    for (Action action : decision.actions()) {
      if (action instanceof Action.LeaveTurn) {
        turns.leave(uid);
      } else if (action instanceof Action.ReleaseAnswer) {
        calls.release(uid);
      } else if (action instanceof Action.BackOff backOff) {
        calls.backOff(uid, statuses.exactNow().plus(backOff.duration()));
      } else if (action instanceof Action.IntentRecorded intent) {
        provisioning.intentRecorded(uid, intent.generation());
      } else if (action instanceof Action.StartCall start) {
        startCall(resource, observed.client().orElseThrow(), start.sendIfAbsent());
      } else if (action instanceof Action.WatchDrift watch) {
        drift.watch(uid, ResourceID.fromResource(resource), watch.group());
      } else if (action instanceof Action.CheckDriftSoon check) {
        drift.checkSoon(check.group());
      }
    }
    if (decision.actions().stream().noneMatch(Action.WatchDrift.class::isInstance)) {
      drift.unwatch(uid);
    }
  }

  private void startCall(PermissionSetProvisioning resource, IdentityCenterClient client, boolean sendIfAbsent) {
    String uid = resource.getMetadata().getUid();
    PendingProvision pending = resource.getStatus().getPendingProvision();
    String instanceId = resource.getSpec().getInstanceId();
    ProvisioningTarget target = target(pending);
    ResourceID id = ResourceID.fromResource(resource);
    calls.start(uid, pending.getGeneration(), id, () -> {
      CallOutcome outcome = provisioning.findOrSend(client, uid, pending, instanceId, target,
          () -> requestsOfOtherChanges(resource), sendIfAbsent);
      // followed from the moment it exists, so that the permission set stays busy until it finishes, also when the
      // resource is deleted before the answer is recorded
      if (outcome instanceof CallOutcome.Requested requested && !requested.request().status().finished()) {
        tracker.follow(client, trackingKey(resource), instanceId, requested.request().requestId(), id, uid);
      }
      return outcome;
    });
  }

  /**
   * The request's outcome once it finished, from the shared tracker; from a describe of its own when the tracker
   * cannot list the instance's requests, so that the resource shows the cloud's error and still gets its outcome.
   */
  private Cloud progress(PermissionSetProvisioning resource, String requestId, IdentityCenterClient client) {
    String instanceId = resource.getSpec().getInstanceId();
    try {
      RequestTracker.Progress progress = tracker.follow(client, trackingKey(resource), instanceId, requestId,
          ResourceID.fromResource(resource), resource.getMetadata().getUid());
      if (progress instanceof RequestTracker.Progress.Finished finished) {
        return new Cloud.RequestFinished(finished.request());
      }
      if (progress instanceof RequestTracker.Progress.ListingFails) {
        var described = client.describeProvisioning(instanceId, requestId);
        return described.status().finished() ? new Cloud.RequestFinished(described)
            : new Cloud.RequestInFlight(described.reportedStatus());
      }
      return new Cloud.RequestInFlight(resource.getStatus().getProvisioningStatus());
    } catch (IdentityCenterException e) {
      return new Cloud.CallFailed(e);
    }
  }

  private static Optional<List<String>> readiness(
      CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> connection) {
    return Optional.ofNullable(connection.getStatus())
        .flatMap(status -> status.condition(ProvisioningStatusFactory.READY))
        .map(ready -> List.of(String.valueOf(ready.getStatus()), String.valueOf(ready.getReason())));
  }

  /** Resources that reach an instance through the same connection share what the tracker lists. */
  private static String trackingKey(PermissionSetProvisioning resource) {
    return ConnectionKey.of(resource) + "|" + resource.getSpec().getInstanceId();
  }

  /**
   * The permission set ID: the spec's, or the one its name resolved to, kept in status while the resource waits for
   * its turn, which it may do for long, so the name is not looked up at every look.
   */
  private Cloud resolvePermissionSet(PermissionSetProvisioning resource, IdentityCenterClient client) {
    PermissionSetProvisioningSpec spec = resource.getSpec();
    if (spec.getPermissionSetId() != null) {
      return new Cloud.PermissionSetResolved(spec.getPermissionSetId());
    }
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status != null && status.getPermissionSetId() != null && waitingSince(resource).isPresent()) {
      return new Cloud.PermissionSetResolved(status.getPermissionSetId());
    }
    try {
      return client.findPermissionSetByName(spec.getInstanceId(), spec.getPermissionSetName())
          .map(PermissionSet::id)
          .<Cloud>map(Cloud.PermissionSetResolved::new)
          .orElseGet(Cloud.NoPermissionSetNamed::new);
    } catch (IdentityCenterException e) {
      return new Cloud.CallFailed(e);
    }
  }

  private Turn turn(PermissionSetProvisioning resource, String permissionSetId, boolean heldBefore) {
    Key key = new Key(resource.getSpec().getInstanceId(), permissionSetId);
    return turns.take(key, InFlightIndex.member(resource), waitingSince(resource).orElseGet(statuses::exactNow),
        heldBefore);
  }

  /**
   * Whether the resource held its turn before this process could have granted it (its intent was written while it
   * held it), and has not given it up since: it is still working on the intent.
   */
  private static boolean heldBefore(PermissionSetProvisioningStatus status) {
    return status.condition(ProvisioningStatusFactory.READY)
        .flatMap(ready -> ConditionReason.fromReason(ready.getReason()))
        .map(ConditionReason::holdsTurn)
        .orElse(true);
  }

  /**
   * Since when the resource waits for its turn at this generation, as its conditions say, so that the order survives
   * restarts; empty when it does not wait.
   */
  private static Optional<Instant> waitingSince(PermissionSetProvisioning resource) {
    return Optional.ofNullable(resource.getStatus()).flatMap(status -> status.condition(ProvisioningStatusFactory.READY))
        .filter(ready -> ConditionReason.WAITING_FOR_PERMISSION_SET.reason().equals(ready.getReason()))
        .filter(ready -> Objects.equals(ready.getObservedGeneration(), resource.getMetadata().getGeneration()))
        .map(Condition::getLastTransitionTime)
        .map(Instant::parse);
  }

  /**
   * The requests other resources recorded, and this one's request of an earlier generation: none of them can be
   * what the current intent's call made.
   */
  private Set<String> requestsOfOtherChanges(PermissionSetProvisioning resource) {
    ResourceID self = ResourceID.fromResource(resource);
    return Stream.concat(Stream.of(resource), resources.list()
            .filter(other -> !ResourceID.fromResource(other).equals(self)))
        .map(PermissionSetProvisioning::getStatus)
        .filter(Objects::nonNull)
        .map(PermissionSetProvisioningStatus::getRequestId)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  /**
   * Writes the status when it changed, with optimistic locking, and caches what was written for the next reconcile;
   * returns the resource as written, or as read when its status did not change, or empty when the resource changed
   * since it was read: every decision rests on the status read, so a stale one is decided again on a fresh read.
   * The observer hears of what was written only.
   */
  private Optional<PermissionSetProvisioning> write(PermissionSetProvisioning resource, Decision decision,
      Context<PermissionSetProvisioning> context) {
    PermissionSetProvisioningStatus observed = resource.getStatus() == null ? new PermissionSetProvisioningStatus()
        : resource.getStatus();
    PermissionSetProvisioningStatus status = decision.status();
    if (status.equals(observed)) {
      observer.reported(resource, observed, status);
      return Optional.of(resource);
    }
    PermissionSetProvisioning written;
    try {
      written = PrimaryUpdateAndCacheUtils.updateAndCacheResource(resource, context, current -> {
        current.setStatus(status);
        return current;
      }, changed -> context.getClient().resource(changed).updateStatus(), 0, 0, 0);
    } catch (RuntimeException e) {
      if (conflict(e)) {
        return Optional.empty();
      }
      throw e;
    }
    observer.reported(resource, observed, status);
    return Optional.of(written);
  }

  private static boolean conflict(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof KubernetesClientException client && client.getCode() == 409) {
        return true;
      }
    }
    return false;
  }

  private static Optional<PermissionSetProvisioning> reread(PermissionSetProvisioning resource,
      Context<PermissionSetProvisioning> context) {
    return Optional.ofNullable(context.getClient().resources(PermissionSetProvisioning.class)
        .inNamespace(resource.getMetadata().getNamespace()).withName(resource.getMetadata().getName()).get())
        .filter(fresh -> Objects.equals(fresh.getMetadata().getUid(), resource.getMetadata().getUid()));
  }
}
