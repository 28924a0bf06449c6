package dev.operators.permissionset;

import dev.operators.permissionset.config.ConfigurationException;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.CloudClients;
import dev.operators.permissionset.runtime.HealthServer;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.simulator.SimulatorCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar permission-set-operator.jar [run | simulator ... | help]}. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    String command = args.length == 0 ? "run" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    return switch (command) {
      case "run" -> runOperator();
      case "simulator" -> SimulatorCommand.run(rest, System.out, System.err);
      case "help", "-h", "--help" -> usage(System.out, 0);
      default -> {
        System.err.println("Unknown command '" + command + "'.");
        yield usage(System.err, 2);
      }
    };
  }

  private static int usage(PrintStream out, int exitCode) {
    out.println("""
        Usage: java -jar permission-set-operator.jar [COMMAND]

        Commands:
          run         run the operator against the current kubeconfig or in-cluster config (default);
                      configured by environment variables, see README.md
          simulator   run the Identity Center simulator (see: simulator --help)
          help        show this text""");
    return exitCode;
  }

  private static int runOperator() {
    OperatorConfig config;
    EnvironmentProxySelector proxies;
    try {
      config = OperatorConfig.fromEnvironment(System.getenv());
      proxies = EnvironmentProxySelector.fromEnvironment(System.getenv());
    } catch (ConfigurationException e) {
      LOG.error("Cannot start: {}", e.getMessage());
      return 2;
    }
    Clock clock = Clock.systemUTC();
    KubernetesClient kubernetes = new KubernetesClientBuilder().build();
    CloudClients clients = CloudClients.forOperator(config, proxies, clock);
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes, config, clients, clock);
    HealthServer health;
    try {
      health = HealthServer.start(config.healthPort(), operator);
    } catch (IOException e) {
      LOG.error("Cannot serve health checks and metrics on port {} ({}); set {} to a free port", config.healthPort(),
          e.getMessage(), OperatorConfig.HEALTH_PORT);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping");
      operator.close();
      health.close();
      clients.close();
      kubernetes.close();
      stopped.countDown();
    }, "shutdown"));
    try {
      operator.start();
    } catch (RuntimeException e) {
      LOG.error("Cannot start the operator: {}. Check that the Kubernetes API is reachable, that the CRDs are "
          + "installed (kubectl apply -k crds/) and that the operator may list and watch permissionsetprovisionings",
          rootCause(e));
      return 1;
    }
    LOG.info("Watching PermissionSetProvisioning in {}{} (health and metrics on port {}){}",
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

  private static String rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
