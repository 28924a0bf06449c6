package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.events.EventRecorder;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.reconciler.ProvisioningStatusFactory;
import dev.operators.permissionset.reconciler.WakeUps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * Checks a connection of either kind: its spec, its credentials Secret, and, with a cheap read-only call, whether the
 * cloud accepts the credentials. It writes the outcome to the connection's status ({@code Ready} with a reason, the
 * resources that use it, when it was checked) and to the {@link ConnectionRegistry}, where resources find the
 * connections they may call with. It checks again when the connection or its Secret changes and every
 * {@code CONNECTION_CHECK_INTERVAL}; the call runs off the reconcile thread ({@link ConnectionChecks}).
 *
 * <p>A namespaced connection reads its Secret from its own namespace, a cluster connection from the operator's
 * namespace: the reference has no namespace to name another. The operator sees only Secrets labelled
 * {@value SecretCredentials#LABEL}={@value SecretCredentials#LABEL_VALUE}, so it neither lists nor caches the
 * cluster's other Secrets.
 *
 * <p>JOSDK reads the kind a controller reconciles from its class's type argument, so each kind has a subclass that
 * names it: {@link Namespaced} and {@link ClusterScoped}.
 */
public abstract class ConnectionReconciler<C extends CustomResource<IdentityCenterConnectionSpec,
    IdentityCenterConnectionStatus>> implements Reconciler<C>, AutoCloseable {

  public static final String READY = ProvisioningStatusFactory.READY;
  private static final String SECRET_INDEX = "by-credentials-secret";

  private final Class<C> type;
  private final ConnectionRegistry registry;
  private final IdentityCenterClientFactory clients;
  private final ConnectionSettings settings;
  private final ProvisioningStatusFactory statuses;
  private final EventRecorder events;
  private final ToIntFunction<ConnectionKey> users;
  private final WakeUps<C> wakeUps = new WakeUps<>(new ResourceEventAware<>() {
    @Override
    public void onResourceDeleted(C deleted) {
      forget(deleted);
    }
  });
  private final ConnectionChecks checks;
  private InformerEventSource<Secret, C> secrets;

  /** The controller of IdentityCenterConnections. */
  public static final class Namespaced extends ConnectionReconciler<IdentityCenterConnection> {

    /** As {@link ConnectionReconciler#ConnectionReconciler}. */
    public Namespaced(ConnectionRegistry registry, IdentityCenterClientFactory clients, ConnectionSettings settings,
        ProvisioningStatusFactory statuses, EventRecorder events, ToIntFunction<ConnectionKey> users) {
      super(IdentityCenterConnection.class, registry, clients, settings, statuses, events, users);
    }
  }

  /** The controller of ClusterIdentityCenterConnections. */
  public static final class ClusterScoped extends ConnectionReconciler<ClusterIdentityCenterConnection> {

    /** As {@link ConnectionReconciler#ConnectionReconciler}. */
    public ClusterScoped(ConnectionRegistry registry, IdentityCenterClientFactory clients,
        ConnectionSettings settings, ProvisioningStatusFactory statuses, EventRecorder events,
        ToIntFunction<ConnectionKey> users) {
      super(ClusterIdentityCenterConnection.class, registry, clients, settings, statuses, events, users);
    }
  }

  /** @param users how many resources use a connection */
  private ConnectionReconciler(Class<C> type, ConnectionRegistry registry, IdentityCenterClientFactory clients,
      ConnectionSettings settings, ProvisioningStatusFactory statuses, EventRecorder events,
      ToIntFunction<ConnectionKey> users) {
    this.type = type;
    this.registry = registry;
    this.clients = clients;
    this.settings = settings;
    this.statuses = statuses;
    this.events = events;
    this.users = users;
    this.checks = new ConnectionChecks(statuses.clock(), wakeUps::wakeUp);
  }

  private boolean clusterScoped() {
    return type == ClusterIdentityCenterConnection.class;
  }

  private void forget(C deleted) {
    ConnectionKey key = ConnectionKey.of(deleted);
    registry.remove(key).ifPresent(clients::release);
    checks.forget(key);
  }

  /** Wakes the connection, so that its count of resources is brought up to date. */
  public void recount(ConnectionKey key) {
    wakeUps.wakeUp(key.resourceId());
  }

  @Override
  public void close() {
    checks.close();
  }

  @Override
  public List<EventSource<?, C>> prepareEventSources(EventSourceContext<C> context) {
    IndexerResourceCache<C> connections = context.getPrimaryCache();
    connections.addIndexer(SECRET_INDEX, connection -> secretId(connection).map(ConnectionReconciler::name)
        .map(List::of).orElse(List.of()));
    InformerEventSourceConfiguration.Builder<Secret> secretsConfiguration = InformerEventSourceConfiguration
        .from(Secret.class, type)
        .withName("credentials-secrets")
        .withLabelSelector(SecretCredentials.LABEL + "=" + SecretCredentials.LABEL_VALUE)
        .withSecondaryToPrimaryMapper(secret -> connections
            .byIndex(SECRET_INDEX, secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName())
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()));
    if (clusterScoped()) {
      secretsConfiguration.withNamespaces(Set.of(settings.operatorNamespace()));
    } else {
      secretsConfiguration.withNamespacesInheritedFromController();
    }
    secrets = new InformerEventSource<>(secretsConfiguration.build(), context);
    return List.of(wakeUps, secrets);
  }

  /**
   * The connection's Secret: in its own namespace, or, for a cluster connection, in the operator's; none when an
   * AWS connection calls as the operator's own identity.
   */
  private Optional<ResourceID> secretId(C connection) {
    Optional<SecretReference> reference = CloudBlock.of(connection.getSpec()).flatMap(CloudBlock::secret)
        .filter(secret -> secret.getName() != null);
    String namespace = clusterScoped() ? settings.operatorNamespace() : connection.getMetadata().getNamespace();
    return reference.map(secret -> new ResourceID(secret.getName(), namespace));
  }

  private static String name(ResourceID secret) {
    return secret.getNamespace().orElse("") + "/" + secret.getName();
  }

  @Override
  public UpdateControl<C> reconcile(C connection, Context<C> context) {
    ConnectionKey key = ConnectionKey.of(connection);
    Optional<ConnectionState> state = observe(connection, key);
    Instant now = statuses.exactNow();
    state.map(found -> registry.put(key, found)).orElseGet(() -> registry.remove(key)).ifPresent(clients::release);
    report(connection, key, state, context);
    UpdateControl<C> control = UpdateControl.noUpdate();
    return control.rescheduleAfter(nextLook(key, state, now));
  }

  /** The connection's state, or empty while its first check for this generation and Secret runs. */
  private Optional<ConnectionState> observe(C connection, ConnectionKey key) {
    Optional<String> problem = ConnectionValidator.problem(connection.getSpec(), clusterScoped());
    if (problem.isPresent()) {
      return Optional.of(new ConnectionState.Unusable("InvalidSpec", problem.get() + ".", true));
    }
    IdentityCenterConnectionSpec spec = connection.getSpec();
    CloudBlock block = CloudBlock.of(spec).orElseThrow();
    Optional<ResourceID> secretId = secretId(connection);
    Optional<Secret> secret = secretId.flatMap(secrets::get);
    if (secretId.isPresent() && secret.isEmpty()) {
      ResourceID id = secretId.get();
      return Optional.of(new ConnectionState.Unusable("CredentialsUnavailable", "Secret " + name(id)
          + " named in " + block.field() + ".credentialsSecretRef is not there, or lacks the label "
          + SecretCredentials.LABEL + "=" + SecretCredentials.LABEL_VALUE + " (the operator sees no other Secret): "
          + "create it with the keys " + SecretCredentials.ACCESS_KEY + " and " + SecretCredentials.SECRET_KEY
          + ", and label it with kubectl label secret -n " + id.getNamespace().orElse("") + " " + id.getName() + " "
          + SecretCredentials.LABEL + "=" + SecretCredentials.LABEL_VALUE + ".", true));
    }
    CloudAccess access;
    try {
      Optional<String> domainId = Optional.ofNullable(spec.getHuaweiCloud()).map(HuaweiCloudConnection::getDomainId);
      Optional<CloudCredentials> credentials = secret.map(found -> SecretCredentials.read(found,
          name(secretId.get()), domainId));
      access = CloudBlock.access(spec, block, credentials, key);
    } catch (CredentialsException e) {
      return Optional.of(new ConnectionState.Unusable("CredentialsUnavailable", e.getMessage() + ".", true));
    } catch (IllegalArgumentException e) {
      return Optional.of(new ConnectionState.Unusable("InvalidSpec", e.getMessage() + ".", true));
    }
    ReadyConnection ready = new ReadyConnection(key, access);
    String fingerprint = connection.getMetadata().getGeneration() + "/" + secret.map(found -> found.getMetadata()
        .getResourceVersion()).orElse("own-identity");
    Optional<ConnectionChecks.Check> last = checks.last(key).filter(check -> check.fingerprint().equals(fingerprint));
    if (last.isEmpty() || due(last.get())) {
      checks.start(key, fingerprint, () -> check(ready));
    }
    return last.map(check -> check.state() instanceof ConnectionState.Usable
        ? new ConnectionState.Usable(ready) : check.state());
  }

  private boolean due(ConnectionChecks.Check check) {
    return !statuses.exactNow().isBefore(check.at().plus(retryAfter(check)));
  }

  private Duration retryAfter(ConnectionChecks.Check check) {
    return check.failuresInARow() > 0 ? settings.retryAfter(check.failuresInARow()) : settings.checkInterval();
  }

  /** The read-only call, on a check thread. */
  private ConnectionState check(ReadyConnection connection) {
    try {
      clients.forConnection(connection.access()).checkAccess();
      return new ConnectionState.Usable(connection);
    } catch (IdentityCenterException e) {
      return switch (e.category()) {
        case AUTHENTICATION_FAILED -> new ConnectionState.Unusable("InvalidCredentials", "Identity Center at "
            + connection.access().endpoint().url() + " rejected the credentials: " + e.summary() + " Fix the credentials "
            + "in the Secret" + (connection.access() instanceof CloudAccess.Aws ? ", the operator's own AWS identity "
            + "or the role's trust policy." : "."), true);
        case ACCESS_DENIED -> new ConnectionState.Unusable("AccessDenied", "The credentials may not read "
            + "Identity Center: " + e.summary() + " Grant the IAM Identity Center permissions (see the README).",
            true);
        case INVALID_REQUEST -> new ConnectionState.Unusable("InvalidSpec", e.summary(), true);
        default -> new ConnectionState.Unusable("EndpointUnreachable", "Identity Center at "
            + connection.access().endpoint().url() + " did not answer the check: " + e.summary()
            + " The operator checks again on its own.", false);
      };
    } catch (IllegalArgumentException e) {
      return new ConnectionState.Unusable("InvalidSpec", e.getMessage() + ".", true);
    }
  }

  private Duration nextLook(ConnectionKey key, Optional<ConnectionState> state, Instant now) {
    return checks.last(key)
        .map(check -> Duration.between(now, check.at().plus(retryAfter(check))))
        .filter(wait -> !wait.isNegative() && !wait.isZero())
        .orElse(state.isEmpty() ? settings.retryAfter(1) : settings.checkInterval());
  }

  private void report(C connection, ConnectionKey key, Optional<ConnectionState> state, Context<C> context) {
    IdentityCenterConnectionStatus observed = connection.getStatus() == null ? new IdentityCenterConnectionStatus()
        : connection.getStatus();
    Long generation = connection.getMetadata().getGeneration();
    String status = state.map(found -> found instanceof ConnectionState.Usable ? "True" : "False").orElse("Unknown");
    String reason = state.map(ConnectionReconciler::reason).orElse("Checking");
    String message = state.map(found -> message(found, connection)).orElse("Checking the credentials with a "
        + "read-only call to Identity Center.");
    IdentityCenterConnectionStatus next = new IdentityCenterConnectionStatus();
    next.setObservedGeneration(generation);
    next.setConditions(List.of(statuses.condition(observed.condition(READY), READY, status, reason, message,
        generation)));
    next.setResources(users.applyAsInt(key));
    next.setLastCheckedAt(checks.last(key).map(check -> ProvisioningStatusFactory.timestamp(check.at()))
        .orElse(observed.getLastCheckedAt()));
    if (next.equals(observed)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.updateAndCacheResource(connection, context, current -> {
      current.setStatus(next);
      return current;
    }, changed -> context.getClient().resource(changed).updateStatus(), 0, 0, 0);
    boolean newReason = !observed.condition(READY).map(Condition::getReason).equals(Optional.of(reason));
    if (newReason) {
      events.record(connection, "True".equals(status) ? EventRecorder.Type.NORMAL : EventRecorder.Type.WARNING,
          reason, message);
    }
    Optional<CloudBlock> block = CloudBlock.of(connection.getSpec());
    if (!Objects.equals(observed.getObservedGeneration(), generation) && block.filter(CloudBlock::insecure)
        .isPresent()) {
      events.record(connection, EventRecorder.Type.WARNING, "InsecureEndpoint", block.get().field() + ".endpoint is "
          + "plain http (allowInsecureHttp): signatures and requests cross the network in the clear. Use it for "
          + "simulators only.");
    }
  }

  private static String reason(ConnectionState state) {
    return state instanceof ConnectionState.Unusable unusable ? unusable.reason() : "Valid";
  }

  private String message(ConnectionState state, C connection) {
    if (state instanceof ConnectionState.Unusable unusable) {
      return unusable.message();
    }
    CloudBlock block = CloudBlock.of(connection.getSpec()).orElseThrow();
    return block.cloud() + " Identity Center at " + block.endpoint() + " accepted the credentials of "
        + secretId(connection).map(secret -> "Secret " + name(secret)).orElse("the operator's own AWS identity")
        + ".";
  }
}
