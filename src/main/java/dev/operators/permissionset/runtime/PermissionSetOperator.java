package dev.operators.permissionset.runtime;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.LeaderElection;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.connection.ConnectionReconciler;
import dev.operators.permissionset.connection.ConnectionRegistry;
import dev.operators.permissionset.connection.ConnectionSettings;
import dev.operators.permissionset.events.EventRecorder;
import dev.operators.permissionset.events.ProvisioningEvents;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.metrics.MeteredIdentityCenterClientFactory;
import dev.operators.permissionset.metrics.OperatorMetrics;
import dev.operators.permissionset.metrics.DriftMetrics;
import dev.operators.permissionset.metrics.ProvisioningMetrics;
import dev.operators.permissionset.reconciler.ReprovisionRequests;
import dev.operators.permissionset.reconciler.PermissionSetProvisioningReconciler;
import dev.operators.permissionset.reconciler.ProvisioningObserver;
import dev.operators.permissionset.reconciler.ProvisioningSchedule;
import dev.operators.permissionset.reconciler.ProvisioningStatusFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator as one unit: the JOSDK runtime with our reconciler registered, as Main, the demo and tests run it. */
public final class PermissionSetOperator implements AutoCloseable {

  /** A backstop: every resource is looked at this often even when nothing happened. Settled ones cost no cloud call. */
  static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofMinutes(10);
  static final String NAMESPACED_CONNECTIONS = "identitycenterconnection";
  static final String CLUSTER_CONNECTIONS = "clusteridentitycenterconnection";
  /** source.component of our Events, what kubectl describe shows in its From column. */
  public static final String EVENT_COMPONENT = "permission-set-operator";
  public static final String EVENT_CONTROLLER = "identitycenter.operators.dev/permission-set-operator";

  private static final Logger LOG = LoggerFactory.getLogger(PermissionSetOperator.class);

  /** What a replica does when it loses the Lease while running. */
  public enum LostLease {
    /**
     * End the JVM (exit code 1), so the pod restarts as a standby: a replica that no longer leads must not go on
     * reconciling beside the new leader. What runs in production.
     */
    EXIT,
    /** Only log. For tests that run several operators in one JVM and stop them themselves. */
    KEEP_RUNNING
  }

  private final Operator operator;
  private final PermissionSetProvisioningReconciler reconciler;
  private final Connections connections;
  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final AtomicBoolean leading;
  private final AtomicBoolean stopping;

  private PermissionSetOperator(Operator operator, PermissionSetProvisioningReconciler reconciler,
      Connections connections, OperatorMetrics metrics, EventRecorder events, AtomicBoolean leading,
      AtomicBoolean stopping) {
    this.operator = operator;
    this.reconciler = reconciler;
    this.connections = connections;
    this.metrics = metrics;
    this.events = events;
    this.leading = leading;
    this.stopping = stopping;
  }

  /** The operator as it runs in production: a replica that loses the Lease exits. */
  public static PermissionSetOperator create(KubernetesClient kubernetes, OperatorConfig config,
      IdentityCenterClientFactory clients, Clock clock) {
    return create(kubernetes, config, clients, clock, LostLease.EXIT);
  }

  public static PermissionSetOperator create(KubernetesClient kubernetes, OperatorConfig config,
      IdentityCenterClientFactory clients, Clock clock, LostLease lostLease) {
    return create(kubernetes, config, clients, clock, lostLease == LostLease.EXIT
        // not on the elector's thread, and not through JOSDK's exitOnStopLeading, which also fires when the
        // operator stops in a shutdown hook, where System.exit blocks for ever
        ? () -> {
          LOG.error("Exiting, so that this replica cannot reconcile beside the new leader; it restarts as a standby");
          new Thread(() -> System.exit(1), "lost-lease-exit").start();
        }
        : () -> { });
  }

  /** @param onLostLease runs when this replica loses the Lease while running; not when it stops */
  static PermissionSetOperator create(KubernetesClient kubernetes, OperatorConfig config,
      IdentityCenterClientFactory clients, Clock clock, Runnable onLostLease) {
    LeaderElection election = config.leaderElection();
    AtomicBoolean leading = new AtomicBoolean(!election.enabled());
    AtomicBoolean stopping = new AtomicBoolean();
    OperatorMetrics metrics = new OperatorMetrics(leading::get);
    EventRecorder events = new EventRecorder(kubernetes, EVENT_COMPONENT, EVENT_CONTROLLER, config.instance(), clock,
        metrics.registry());
    ProvisioningMetrics provisioningMetrics = new ProvisioningMetrics(metrics.registry());
    DriftMetrics driftMetrics = new DriftMetrics(metrics.registry());
    ProvisioningObserver observer = ProvisioningObserver.all(List.of(new ProvisioningEvents(events),
        provisioningMetrics, driftMetrics));
    ProvisioningStatusFactory statuses = new ProvisioningStatusFactory(clock);
    IdentityCenterClientFactory metered = new MeteredIdentityCenterClientFactory(clients, metrics.registry());
    ConnectionRegistry registry = new ConnectionRegistry();
    String operatorNamespace = operatorNamespace(kubernetes, config);
    Connections connections = new Connections();
    PermissionSetProvisioningReconciler reconciler = new PermissionSetProvisioningReconciler(metered, registry,
        connections::recount, statuses, new ProvisioningSchedule(config.timing()), observer, driftMetrics);
    ConnectionSettings connectionSettings = new ConnectionSettings(operatorNamespace,
        config.connectionCheckInterval(), config.timing().retryInitial());
    connections.namespaced = new ConnectionReconciler.Namespaced(registry, metered, connectionSettings, statuses,
        events, reconciler::users);
    connections.clusterScoped = new ConnectionReconciler.ClusterScoped(registry, metered, connectionSettings,
        statuses, events, reconciler::users);
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(kubernetes)
          // the reconciler writes status itself, with optimistic locking, and JOSDK writes nothing else (no
          // finalizer); server-side apply stays off all the same, as the mock server the tests use lacks it
          .withUseSSAToPatchPrimaryResource(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(config.reconcileThreads())
          .withReconciliationTerminationTimeout(Duration.ofSeconds(10))
          // per-resource meters would grow with the fleet and outlive deleted resources
          .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()));
      if (election.enabled()) {
        o.withLeaderElectionConfiguration(leaderElection(config, leading, () -> {
          // fencing: calls already handed to their threads must not leave beside the new leader
          reconciler.stopProvisioning();
          if (!stopping.get()) {
            LOG.error("{} lost Lease {} while running", config.instance(), election.leaseName());
            onLostLease.run();
          }
        }));
      }
    });
    // Cloud failures are retried by the reconciler itself; this retry covers the rest (a failed status write)
    // and, unlike JOSDK's default, never gives up.
    GenericRetry retry = GenericRetry.defaultLimitedExponentialRetry()
        .withoutMaxAttempts()
        .setMaxInterval(config.timing().retryMax().toMillis());
    RegisteredController<PermissionSetProvisioning> registered = operator.register(reconciler, c -> {
      c.withRetry(retry).withReconciliationMaxInterval(MAX_RECONCILIATION_INTERVAL)
          // a new generation, or a new value of the reprovision annotation; not status, labels or other annotations
          .withGenerationAware(false)
          .withOnUpdateFilter(ReprovisionRequests::newGenerationOrRequest);
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
      config.labelSelector().ifPresent(c::withLabelSelector);
    });
    operator.register(connections.namespaced, c -> {
      c.withName(NAMESPACED_CONNECTIONS).withRetry(retry);
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
    });
    operator.register(connections.clusterScoped, c -> c.withName(CLUSTER_CONNECTIONS).withRetry(retry)
        .watchingAllNamespaces());
    if (registered instanceof Controller<PermissionSetProvisioning> controller) {
      Supplier<Stream<PermissionSetProvisioning>> cache = () -> controller.getEventSourceManager()
          .getControllerEventSource().list(resource -> true);
      provisioningMetrics.countRequestsInFlight(cache);
      provisioningMetrics.countStalledResources(cache);
      driftMetrics.countOutOfDate(cache);
    }
    return new PermissionSetOperator(operator, reconciler, connections, metrics, events, leading, stopping);
  }

  /** Where the Secrets of cluster connections are: POD_NAMESPACE, else the client configuration's namespace. */
  static String operatorNamespace(KubernetesClient kubernetes, OperatorConfig config) {
    return config.operatorNamespace().or(() -> Optional.ofNullable(kubernetes.getNamespace())).orElse("default");
  }

  /** The controllers of the two connection kinds, which count the resources that use each connection. */
  private static final class Connections implements AutoCloseable {
    private ConnectionReconciler.Namespaced namespaced;
    private ConnectionReconciler.ClusterScoped clusterScoped;

    private void recount(ConnectionKey key) {
      if (key.namespace().isPresent()) {
        namespaced.recount(key);
      } else {
        clusterScoped.recount(key);
      }
    }

    @Override
    public void close() {
      namespaced.close();
      clusterScoped.close();
    }
  }

  private static LeaderElectionConfiguration leaderElection(OperatorConfig config, AtomicBoolean leading,
      Runnable lostLease) {
    LeaderElection election = config.leaderElection();
    LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder
        .aLeaderElectionConfiguration(election.leaseName())
        .withIdentity(config.instance())
        .withLeaseDuration(election.leaseDuration())
        .withRenewDeadline(election.renewDeadline())
        .withRetryPeriod(election.retryPeriod())
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(new LeaderCallbacks(
            () -> {
              leading.set(true);
              LOG.info("{} leads: reconciling from now on", config.instance());
            },
            () -> {
              leading.set(false);
              lostLease.run();
            },
            leader -> LOG.info("Leader is {}", leader)));
    election.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }

  public void start() {
    operator.start();
  }

  public boolean started() {
    return operator.getRuntimeInfo().isStarted();
  }

  /**
   * Whether the operator's watches are healthy. A standby's are too: it keeps its caches in sync so that it can
   * take over at once, it just does not reconcile.
   */
  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** Whether this replica reconciles: it holds the Lease, or leader election is off. */
  public boolean leading() {
    return leading.get();
  }

  /** The Prometheus text exposition of every meter. */
  public String scrapeMetrics() {
    return metrics.scrape();
  }

  @Override
  public void close() {
    stopping.set(true);
    operator.stop();
    reconciler.close();
    connections.close();
    events.close();
    metrics.close();
  }
}
