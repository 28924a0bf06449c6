package dev.operators.permissionset;

import dev.operators.permissionset.config.ConfigurationException;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.CloudClients;
import dev.operators.permissionset.runtime.ClusterAccess;
import dev.operators.permissionset.runtime.HealthServer;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.StartupChecks;
import dev.operators.permissionset.runtime.StartupException;
import dev.operators.permissionset.simulator.SimulatorCommand;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.apache.logging.log4j.LogManager;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar permission-set-operator.jar [run | simulator ... | help]}. */
public final class Main {

  private static final Set<String> HELP = Set.of("help", "-h", "--help");
  /** The start-up checks retry a failed connection this often (100 ms, then 200 ms), not for half a minute. */
  private static final int STARTUP_CHECK_RETRIES = 2;

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String command = args.length == 0 ? "run" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    return switch (command) {
      case "run" -> rest.length == 0 ? runOperator(System.getenv())
          : HELP.contains(rest[0]) ? usage()
          : unknown("option '" + rest[0] + "' of run: run takes no options; it is configured by environment "
              + "variables");
      case "simulator" -> SimulatorCommand.run(rest, System.out, System.err);
      case "help", "-h", "--help" -> usage();
      default -> unknown("command '" + command + "': the commands are run, simulator and help");
    };
  }

  private static int unknown(String what) {
    System.err.println("Unknown " + what + " (java -jar permission-set-operator.jar --help shows the usage)");
    return 2;
  }

  private static int usage() {
    System.out.println("""
        Usage: java -jar permission-set-operator.jar [COMMAND]

        Commands:
          run         run the operator (the default) against the cluster of the current kubeconfig (KUBECONFIG,
                      else ~/.kube/config), or of the pod it runs in; configured by the environment variables below
          simulator   run the Identity Center simulator (see: simulator --help)
          help        show this text (also -h, --help, run --help)

        Environment variables of run (durations: 500ms, 5s, 2m, 1h or ISO-8601 such as PT30S):
          WATCH_NAMESPACES                 comma-separated namespaces to watch (default: all namespaces)
          RESOURCE_LABEL_SELECTOR          only resources matching this label selector (default: all)
          POLL_INITIAL_INTERVAL            first interval between looks at requests in flight (default: 2s)
          POLL_MAX_INTERVAL                longest interval between them (default: 60s)
          PROVISIONING_TIMEOUT             a request in flight longer than this is reported stalled (default: 30m)
          CLOUD_LIST_LAG                   how long a new request may be missing from the cloud's lists (default: 10s)
          CONNECTION_CHECK_INTERVAL        how often a working connection is checked again (default: 5m)
          DRIFT_CHECK_INTERVAL             how often each provisioned permission set is checked for drift (default: 10m)
          CLOUD_RATE_LIMIT                 calls per second to each Identity Center endpoint, 0.1 to 10000 (default: 19)
          RETRY_INITIAL_INTERVAL           first wait after a failure that may pass (default: 2s)
          RETRY_MAX_INTERVAL               longest wait between retries (default: 5m)
          HTTP_CONNECT_TIMEOUT             connect timeout of calls to the cloud (default: 5s)
          HTTP_READ_TIMEOUT                read timeout of calls to the cloud (default: 30s)
          RECONCILE_THREADS                resources reconciled at once, 1 to 200 (default: 10)
          HEALTH_PORT                      port of /livez, /readyz and /metrics (default: 8080)
          LEADER_ELECTION                  true or false: elect a leader on a Lease (default: false)
          LEADER_ELECTION_LEASE_NAME       the Lease's name (default: permission-set-operator)
          LEADER_ELECTION_LEASE_NAMESPACE  the Lease's namespace (default: POD_NAMESPACE)
          LEADER_ELECTION_LEASE_DURATION   how long a standby waits for the leader's renewal (default: 15s)
          LEADER_ELECTION_RENEW_DEADLINE   how long the leader tries to renew (default: 10s)
          LEADER_ELECTION_RETRY_PERIOD     how often replicas try to take or renew the Lease (default: 2s)
          POD_NAME                         this replica's name (default: HOSTNAME, else a random name)
          POD_NAMESPACE                    the operator's namespace, where cluster connections' Secrets are
                                           (default: the kubeconfig's namespace, else default)
          HTTPS_PROXY, HTTP_PROXY, NO_PROXY  proxies for calls to the cloud (default: none)
          LOG_FORMAT                       text or json (default: text)
          LOG_LEVEL                        ERROR, WARN, INFO, DEBUG or TRACE (default: INFO)

        A bad value stops run with a message naming the variable. See README.md for the details.""");
    return 0;
  }

  /**
   * Not a static field: logging starts with the first logger, and must not start before the configuration that
   * log4j2.xml reads (LOG_LEVEL, LOG_FORMAT) has been checked, nor at all for --help.
   */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  private static int runOperator(Map<String, String> env) {
    OperatorConfig config;
    EnvironmentProxySelector proxies;
    try {
      config = OperatorConfig.fromEnvironment(env);
      proxies = EnvironmentProxySelector.fromEnvironment(env);
    } catch (ConfigurationException e) {
      return cannotStart(env, e.getMessage(), 2);
    }
    KubernetesClient kubernetes;
    try {
      Config clusterConfig = ClusterAccess.locate(env);
      kubernetes = new KubernetesClientBuilder().withConfig(clusterConfig).build();
      try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(new ConfigBuilder(clusterConfig)
          .withRequestRetryBackoffLimit(STARTUP_CHECK_RETRIES).build()).build()) {
        StartupChecks.verify(probe, config);
      }
    } catch (StartupException e) {
      return cannotStart(env, e.getMessage(), 1);
    }
    Clock clock = Clock.systemUTC();
    CloudClients clients = CloudClients.forOperator(config, proxies, clock);
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes, config, clients, clock);
    HealthServer health;
    try {
      health = HealthServer.start(config.healthPort(), operator);
    } catch (IOException e) {
      return cannotStart(env, "cannot serve health checks and metrics on port " + config.healthPort() + " ("
          + e.getMessage() + "); set " + OperatorConfig.HEALTH_PORT + " to a free port", 1);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log().info("Stopping");
      operator.close();
      health.close();
      clients.close();
      kubernetes.close();
      stopped.countDown();
      // log4j's own shutdown hook is off (log4j2.xml): run concurrently with this one, it stopped the appender
      // while the operator still logged its stop, and log4j then reported that in plain text, breaking JSON logs
      LogManager.shutdown();
    }, "shutdown"));
    try {
      operator.start();
    } catch (RuntimeException e) {
      log().error("Cannot start the operator: {}. Check that the Kubernetes API is reachable, that the CRDs are "
          + "installed (kubectl apply -k crds/) and that the operator may list and watch permissionsetprovisionings",
          rootCause(e));
      log().debug("Start failed", e);
      return 1;
    }
    log().info("Watching PermissionSetProvisioning in {}{} (health and metrics on port {}){}",
        config.watchNamespaces().isEmpty() ? "all namespaces" : String.join(", ", config.watchNamespaces()),
        config.labelSelector().map(selector -> " labelled " + selector).orElse(""), health.port(),
        config.leaderElection().enabled() ? "; " + config.instance() + " stands by until it holds Lease "
            + config.leaderElection().leaseName() : "");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * Reports a failure a person can fix in one line: on stderr as text, or, with LOG_FORMAT=json, as one JSON log
   * event like every other line, because log collectors read both streams of a container as one.
   */
  private static int cannotStart(Map<String, String> env, String reason, int exitCode) {
    if ("json".equals(env.get(OperatorConfig.LOG_FORMAT))) {
      log().error("Cannot start: {}", reason);
    } else {
      System.err.println("Cannot start: " + reason);
    }
    return exitCode;
  }

  private static String rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
