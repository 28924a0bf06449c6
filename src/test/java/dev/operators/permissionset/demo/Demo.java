package dev.operators.permissionset.demo;

import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.connection.SecretCredentials;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.TlsIdentity;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.Pause;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code mvn -q -Pdemo}: the real operator against an embedded Kubernetes API (the Fabric8 mock server) and two
 * embedded Identity Center simulators, one speaking Huawei Cloud's protocol and one AWS's, served over TLS with a
 * self-signed certificate. It applies every file in {@code examples/} and {@code examples/aws/}, with each connection
 * pointed at the simulator of its cloud block (its certificate as their CA bundle) and each credentials Secret
 * holding the keys of its connection's simulator, shows a live table of the resources and the connections until
 * every example has settled. Then it touches the permission sets of the examples that promise what follows a change
 * (as an administrator editing a permission set's policies would) and shows the table until the operator's drift
 * checks found them out of date and, by each resource's reprovisionPolicy, reported it or provisioned again; then a
 * summary. The exit code says whether each example reached the outcomes it promises.
 */
public final class Demo {

  private static final Duration REFRESH = Duration.ofMillis(500);
  /** Short, so that a touched permission set is found out of date within seconds. */
  private static final String DRIFT_CHECK_INTERVAL = "2s";

  /** A permission set the demo touched, in the simulator of its cloud. */
  private record Touch(Cloud cloud, String instanceId, String permissionSetId) {
  }

  private Demo() {
  }

  public static void main(String[] args) {
    Path examples = Path.of(args.length > 0 ? args[0] : "examples");
    boolean live = System.console() != null && !"dumb".equals(System.getenv("TERM"));
    System.exit(run(examples, Duration.ofSeconds(3), Duration.ofSeconds(120), live, System.out));
  }

  /**
   * @param provisioningLatency how long the simulator keeps each provisioning IN_PROGRESS
   * @param live redraw the table in place (a terminal); otherwise print it whenever it changes (a log)
   * @return 0 when every example reached its expected outcome, 1 otherwise
   */
  static int run(Path examples, Duration provisioningLatency, Duration timeout, boolean live, PrintStream out) {
    Configurator.setLevel("dev.operators.permissionset", Level.WARN);
    if (!Files.isDirectory(examples)) {
      out.println("No examples folder at " + examples.toAbsolutePath() + "; run the demo from the project's root.");
      return 1;
    }
    out.println("Starting an embedded Kubernetes API (Fabric8 mock server, CRUD mode), the Identity Center simulators"
        + " of Huawei Cloud and of AWS, and the operator...");
    TlsIdentity tls = TlsIdentity.selfSigned(List.of(), Clock.systemUTC());
    try (EndToEndEnvironment environment = EndToEndEnvironment.start(
        List.of(SimulatorFixture.demo(), SimulatorFixture.demoAws()),
        IdentityCenterSimulator.Options.defaults().withTls(tls),
        Map.of(OperatorConfig.POLL_INITIAL_INTERVAL, "1s", OperatorConfig.POLL_MAX_INTERVAL, "2s",
            OperatorConfig.DRIFT_CHECK_INTERVAL, DRIFT_CHECK_INTERVAL))) {
      for (Cloud cloud : Cloud.values()) {
        environment.simulator(cloud).provisioningLatency(provisioningLatency);
      }
      environment.startOperatorWithoutDefaultConnection();
      List<Example> expected = Example.examples(examples, environment.kubernetes().getKubernetesSerialization());
      Set<String> awsSecrets = awsSecrets(Example.objects(examples,
          environment.kubernetes().getKubernetesSerialization()));
      Example.applyAll(examples, environment.kubernetes(), object -> forSimulator(object, environment, awsSecrets));
      out.println("Applied " + expected.size() + " PermissionSetProvisioning examples and " + connections(
          environment).size() + " connections from " + examples + ", each connection pointed at its cloud's "
          + "simulator over TLS (its certificate as their caBundle): Huawei Cloud at "
          + environment.simulator(Cloud.HUAWEI).endpoint() + ", AWS at " + environment.simulator(Cloud.AWS).endpoint()
          + ".");
      LiveTable table = new LiveTable(environment, expected, timeout, live, out);
      List<PermissionSetProvisioning> current = table.until(resources -> settledAndChecked(expected, resources), "");
      List<Example> touching = expected.stream().filter(example -> example.afterTouch().isPresent()).toList();
      Optional<Map<Cloud, Long>> acceptedBeforeTouch = Optional.empty();
      if (!touching.isEmpty() && settledAndChecked(expected, current)) {
        acceptedBeforeTouch = Optional.of(acceptedProvisions(environment));
        String note = touch(environment, touching, current);
        out.printf("%n%s%n", note);
        current = table.until(resources -> touching.stream().allMatch(example -> find(example, resources)
            .map(resource -> example.afterTouch().orElseThrow().reachedBy(resource)).orElse(false)), note);
      } else if (!touching.isEmpty()) {
        out.printf("%nThe examples did not settle within %ds: no permission set touched.%n", timeout.toSeconds());
      }
      return summarize(expected, current, connections(environment), environment, acceptedBeforeTouch, out);
    } catch (IOException | RuntimeException e) {
      out.println("The demo could not run: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The example as the demo applies it: a connection reaches the simulator of its cloud and trusts its certificate,
   * and a credentials Secret holds that simulator's keys instead of the placeholders.
   *
   * @param awsSecrets the Secrets of AWS connections, as {@code namespace/name}; the others are Huawei Cloud's
   */
  private static HasMetadata forSimulator(HasMetadata object, EndToEndEnvironment environment,
      Set<String> awsSecrets) {
    if (object instanceof IdentityCenterConnection connection) {
      pointAtSimulator(connection.getSpec(), environment);
    } else if (object instanceof ClusterIdentityCenterConnection connection) {
      pointAtSimulator(connection.getSpec(), environment);
    } else if (object instanceof Secret secret && secret.getMetadata().getLabels() != null
        && SecretCredentials.LABEL_VALUE.equals(secret.getMetadata().getLabels().get(SecretCredentials.LABEL))) {
      boolean aws = awsSecrets.contains(secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName());
      return new SecretBuilder(secret).withData(null).withStringData(Map.of(
          SecretCredentials.ACCESS_KEY, aws ? AwsDemoWorld.ACCESS_KEY : DemoWorld.ACCESS_KEY,
          SecretCredentials.SECRET_KEY, aws ? AwsDemoWorld.SECRET_KEY : DemoWorld.SECRET_KEY)).build();
    }
    return object;
  }

  /** The connection's cloud block reaches the simulator of that cloud. */
  private static void pointAtSimulator(IdentityCenterConnectionSpec spec, EndToEndEnvironment environment) {
    String caBundle = environment.caBundle().orElseThrow();
    if (spec.getAws() != null) {
      spec.getAws().setEndpoint(environment.simulator(Cloud.AWS).endpoint().toString());
      spec.getAws().setCaBundle(caBundle);
    } else {
      spec.getHuaweiCloud().setEndpoint(environment.simulator(Cloud.HUAWEI).endpoint().toString());
      spec.getHuaweiCloud().setCaBundle(caBundle);
    }
  }

  /**
   * The credentials Secrets that AWS connections name, as {@code namespace/name}: a cluster connection's is in the
   * operator's namespace, a namespaced one's beside it.
   */
  private static Set<String> awsSecrets(List<HasMetadata> objects) {
    Set<String> secrets = new HashSet<>();
    for (HasMetadata object : objects) {
      if (object instanceof ClusterIdentityCenterConnection connection) {
        awsSecret(connection.getSpec()).ifPresent(name -> secrets.add(TestConnections.OPERATOR_NAMESPACE + "/"
            + name));
      } else if (object instanceof IdentityCenterConnection connection) {
        awsSecret(connection.getSpec()).ifPresent(name -> secrets.add(connection.getMetadata().getNamespace() + "/"
            + name));
      }
    }
    return secrets;
  }

  private static Optional<String> awsSecret(IdentityCenterConnectionSpec spec) {
    return Optional.ofNullable(spec.getAws()).map(AwsConnection::getCredentialsSecretRef)
        .map(SecretReference::getName);
  }

  private static Cloud cloud(IdentityCenterConnectionSpec spec) {
    return spec != null && spec.getAws() != null ? Cloud.AWS : Cloud.HUAWEI;
  }

  /** The connections of both kinds as the API has them now. */
  private static List<StatusTable.Connection> connections(EndToEndEnvironment environment) {
    KubernetesClient kubernetes = environment.kubernetes();
    return Stream.concat(
        kubernetes.resources(ClusterIdentityCenterConnection.class).list().getItems().stream()
            .map(c -> new StatusTable.Connection(ConnectionKey.of(c), cloud(c.getSpec()), c.getStatus())),
        kubernetes.resources(IdentityCenterConnection.class).inAnyNamespace().list().getItems().stream()
            .map(c -> new StatusTable.Connection(ConnectionKey.of(c), cloud(c.getSpec()), c.getStatus())))
        .toList();
  }

  private static Map<Cloud, Long> acceptedProvisions(EndToEndEnvironment environment) {
    Map<Cloud, Long> accepted = new EnumMap<>(Cloud.class);
    for (Cloud cloud : Cloud.values()) {
      accepted.put(cloud, environment.simulator(cloud).counts().totalAcceptedProvisions());
    }
    return accepted;
  }

  /**
   * Touches, once each, the permission sets of the examples, in the simulator of their connection's cloud: every
   * account each is provisioned to holds an out-of-date copy from now on.
   *
   * @return what was touched, for the person watching
   */
  private static String touch(EndToEndEnvironment environment, List<Example> examples,
      List<PermissionSetProvisioning> current) {
    Map<ConnectionKey, Cloud> clouds = new HashMap<>();
    connections(environment).forEach(connection -> clouds.put(connection.key(), connection.cloud()));
    Set<Touch> touches = new LinkedHashSet<>();
    for (Example example : examples) {
      PermissionSetProvisioning resource = find(example, current).orElseThrow();
      touches.add(new Touch(clouds.get(ConnectionKey.of(resource)), resource.getSpec().getInstanceId(),
          resource.getStatus().getPermissionSetId()));
    }
    StringBuilder note = new StringBuilder();
    for (Touch touch : touches) {
      List<String> accounts = environment.simulator(touch.cloud()).touchPermissionSet(touch.instanceId(),
          touch.permissionSetId());
      note.append(note.length() == 0 ? "" : System.lineSeparator())
          .append("Touched permission set ").append(touch.permissionSetId()).append(" in the ")
          .append(StatusTable.cloudName(touch.cloud()))
          .append(" simulator, as an administrator editing its policies would: ")
          .append(accounts.size()).append(" account(s) hold an out-of-date copy now (")
          .append(String.join(", ", accounts)).append(").");
    }
    return note.append(System.lineSeparator()).append("The operator checks every ").append(DRIFT_CHECK_INTERVAL)
        .append(" (DRIFT_CHECK_INTERVAL); each resource acts by its spec.reprovisionPolicy.").toString();
  }

  /**
   * Shows the table of the resources and the connections, redrawn in place (a terminal) or printed whenever it changed
   * (a log), until what the demo waits for holds or its timeout passed since it started.
   */
  private static final class LiveTable {

    private final EndToEndEnvironment environment;
    private final List<Example> examples;
    private final long start = System.nanoTime();
    private final Duration timeout;
    private final boolean live;
    private final PrintStream out;
    private String shown = "";

    LiveTable(EndToEndEnvironment environment, List<Example> examples, Duration timeout, boolean live,
        PrintStream out) {
      this.environment = environment;
      this.examples = examples;
      this.timeout = timeout;
      this.live = live;
      this.out = out;
    }

    /**
     * @param note shown above a live table
     * @return the resources when {@code done} held for them, or when the time was up
     */
    List<PermissionSetProvisioning> until(Predicate<List<PermissionSetProvisioning>> done, String note) {
      while (true) {
        List<PermissionSetProvisioning> current = environment.kubernetes()
            .resources(PermissionSetProvisioning.class).inAnyNamespace().list().getItems();
        String table = StatusTable.render(examples, current, connections(environment));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (live) {
          out.print("\033[H\033[2J");
          out.printf("permission-set-operator demo, %ds%n%n%s%s", elapsed.toSeconds(),
              note.isEmpty() ? "" : note + System.lineSeparator() + System.lineSeparator(), table);
        } else if (!table.equals(shown)) {
          out.printf("%n[%5.1fs]%n%s", elapsed.toMillis() / 1000.0, table);
        }
        shown = table;
        if (done.test(current) || elapsed.compareTo(timeout) > 0) {
          return current;
        }
        Pause.sleep(REFRESH);
      }
    }
  }


  /** Ready, or stalled, for the generation the example created: nothing more will happen without a change. */
  private static boolean settled(Example example, List<PermissionSetProvisioning> current) {
    return find(example, current).map(resource -> Example.Expected.READY.reachedBy(resource)
        || Example.Expected.FAILED.reachedBy(resource) || Example.Expected.STALLED.reachedBy(resource))
        .orElse(false);
  }

  /**
   * Every example settled, and each provisioned one was checked against the cloud and holds the latest version of
   * its permission set: the moment to change a permission set.
   */
  private static boolean settledAndChecked(List<Example> examples, List<PermissionSetProvisioning> current) {
    return examples.stream().allMatch(example -> settled(example, current) && find(example, current)
        .filter(Example.Expected.READY::reachedBy)
        .map(resource -> resource.getStatus().condition(Example.UP_TO_DATE)
            .filter(condition -> "True".equals(condition.getStatus())).isPresent())
        .orElse(true));
  }

  private static Optional<PermissionSetProvisioning> find(Example example,
      List<PermissionSetProvisioning> current) {
    return current.stream()
        .filter(r -> r.getMetadata().getName().equals(example.resource().getMetadata().getName())
            && r.getMetadata().getNamespace().equals(example.resource().getMetadata().getNamespace()))
        .findFirst();
  }

  /**
   * @param acceptedBeforeTouch each simulator's accepted provisions when the demo touched permission sets; empty when
   *     it touched none
   */
  private static int summarize(List<Example> examples, List<PermissionSetProvisioning> current,
      List<StatusTable.Connection> connections, EndToEndEnvironment environment,
      Optional<Map<Cloud, Long>> acceptedBeforeTouch, PrintStream out) {
    out.println();
    out.println("Summary");
    int failures = 0;
    for (Example example : examples) {
      PermissionSetProvisioning resource = find(example, current).orElse(example.resource());
      boolean asExpected = example.expected().reachedBy(resource);
      failures += asExpected ? 0 : 1;
      String reason = resource.getStatus() == null ? "no status"
          : resource.getStatus().condition("Ready").map(c -> c.getReason() + ": " + c.getMessage()).orElse("-");
      out.printf("  %-4s %-42s expected %-7s via %-46s %s%n", asExpected ? "ok" : "FAIL",
          resource.getMetadata().getName(), example.expected().name().toLowerCase(), ConnectionKey.of(resource),
          reason);
    }
    List<Example> touching = examples.stream().filter(example -> example.afterTouch().isPresent()).toList();
    if (!touching.isEmpty()) {
      out.println();
      out.println("After the touch");
    }
    for (Example example : touching) {
      PermissionSetProvisioning resource = find(example, current).orElse(example.resource());
      Example.AfterTouch afterTouch = example.afterTouch().orElseThrow();
      boolean asExpected = acceptedBeforeTouch.isPresent() && afterTouch.reachedBy(resource);
      failures += asExpected ? 0 : 1;
      out.printf("  %-4s %-42s expected %-10s %s%n", asExpected ? "ok" : "FAIL", resource.getMetadata().getName(),
          afterTouch.label(), afterTouchOutcome(resource));
    }
    out.println();
    out.println("Connections");
    for (StatusTable.Connection connection : connections) {
      out.printf("  %-50s %-12s Ready=%s (%s), used by %s resource(s)%n", connection.key(),
          StatusTable.cloudName(connection.cloud()),
          connection.ready().map(Condition::getStatus).orElse("-"),
          connection.ready().map(Condition::getReason).orElse("not checked"),
          Optional.ofNullable(connection.status()).map(IdentityCenterConnectionStatus::getResources)
              .map(String::valueOf).orElse("no"));
    }
    out.println();
    for (Cloud cloud : Cloud.values()) {
      RequestCounters.Snapshot counts = environment.simulator(cloud).counts();
      String afterTouch = acceptedBeforeTouch.map(before -> ", " + (counts.totalAcceptedProvisions()
          - before.get(cloud)) + " of them after the touch,").orElse("");
      out.printf("The %s simulator accepted %d provision(s)%s and answered %d call(s) in all: %s%n",
          StatusTable.cloudName(cloud), counts.totalAcceptedProvisions(), afterTouch, counts.totalCalls(),
          counts.calls());
    }
    out.println(failures == 0 ? "Every example reached the outcome it expects."
        : failures + " example(s) did not reach the outcome they expect.");
    return failures == 0 ? 0 : 1;
  }

  /** What the UpToDate condition says, and which request provisioned the resource last and why. */
  private static String afterTouchOutcome(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null) {
      return "no status";
    }
    String upToDate = status.condition(Example.UP_TO_DATE)
        .map(c -> "UpToDate=" + c.getStatus() + " (" + c.getReason() + "): " + c.getMessage())
        .orElse("no UpToDate condition");
    return "last provisioned by request " + status.getRequestId() + " (requestTrigger " + status.getRequestTrigger()
        + "); " + upToDate;
  }
}
