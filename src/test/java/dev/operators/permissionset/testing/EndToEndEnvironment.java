package dev.operators.permissionset.testing;

import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudClients;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.PermissionSetOperator.LostLease;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.TlsIdentity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real operator against the mock Kubernetes API and the Identity Center simulator, over real HTTP with real
 * signatures: what the demo shows a person and what the end-to-end tests assert. The simulator speaks Huawei Cloud's
 * protocol or AWS's, as its fixture says; with a fixture of each cloud, two simulators run side by side.
 */
public final class EndToEndEnvironment implements AutoCloseable {

  /**
   * The demo's keys, which the Huawei Cloud simulator knows, with its domain ID: those of the default connection when
   * it reaches Huawei Cloud.
   */
  public static final CloudCredentials CREDENTIALS = new CloudCredentials(DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY,
      Optional.empty(), Optional.of(DemoWorld.DOMAIN_ID));
  /** The AWS demo's keys, which the AWS simulator knows: those of the default connection when it reaches AWS. */
  public static final CloudCredentials AWS_CREDENTIALS = CloudCredentials.of(AwsDemoWorld.ACCESS_KEY,
      AwsDemoWorld.SECRET_KEY);

  private final KubernetesTestServer kubernetes;
  /** By cloud, the one of the first fixture first. */
  private final Map<Cloud, Simulator> simulators;
  private final CloudClients clients;
  private final Optional<String> caBundle;
  private final Map<String, String> environment;
  private PermissionSetOperator operator;

  /** A running simulator, with the fixture it started with (an AWS connection signs for the fixture's region). */
  private record Simulator(IdentityCenterSimulator simulator, SimulatorFixture fixture) {
  }

  private EndToEndEnvironment(KubernetesTestServer kubernetes, Map<Cloud, Simulator> simulators,
      Optional<String> caBundle, Map<String, String> environment) {
    this.kubernetes = kubernetes;
    this.simulators = simulators;
    this.caBundle = caBundle;
    this.environment = environment;
    this.clients = CloudClients.forOperator(OperatorConfig.fromEnvironment(environment),
        EnvironmentProxySelector.fromEnvironment(Map.of()), Clock.systemUTC());
  }

  /**
   * Starts Kubernetes and the simulator with the demo fixture; the operator starts with {@link #startOperator()}.
   *
   * @param settings operator environment variables on top of the tests' (the operator's namespace, quick polling)
   */
  public static EndToEndEnvironment start(Map<String, String> settings) {
    return start(SimulatorFixture.demo(), settings);
  }

  /** As {@link #start(Map)}, with the simulator holding {@code fixture} instead of the demo's world. */
  public static EndToEndEnvironment start(SimulatorFixture fixture, Map<String, String> settings) {
    return start(fixture, IdentityCenterSimulator.Options.defaults(), settings);
  }

  /** As {@link #start(SimulatorFixture, Map)}, with the simulator started with {@code options} (TLS, for one). */
  public static EndToEndEnvironment start(SimulatorFixture fixture, IdentityCenterSimulator.Options options,
      Map<String, String> settings) {
    return start(List.of(fixture), options, settings);
  }

  /**
   * As {@link #start(SimulatorFixture, IdentityCenterSimulator.Options, Map)}, with one simulator a fixture, each
   * speaking its fixture's cloud, all started with {@code options} (each on a port of its own);
   * {@link #simulator()} is the first fixture's.
   *
   * @throws IllegalArgumentException when two fixtures are of the same cloud
   */
  public static EndToEndEnvironment start(List<SimulatorFixture> fixtures, IdentityCenterSimulator.Options options,
      Map<String, String> settings) {
    if (fixtures.isEmpty() || fixtures.stream().map(SimulatorFixture::cloud).distinct().count() < fixtures.size()) {
      throw new IllegalArgumentException("one fixture a cloud, at least one");
    }
    Map<Cloud, Simulator> simulators = new LinkedHashMap<>();
    fixtures.forEach(fixture -> simulators.put(fixture.cloud(),
        new Simulator(IdentityCenterSimulator.start(fixture, options), fixture)));
    Map<String, String> environment = new HashMap<>(Map.of(
        OperatorConfig.POD_NAMESPACE, TestConnections.OPERATOR_NAMESPACE,
        OperatorConfig.POLL_INITIAL_INTERVAL, "250ms",
        OperatorConfig.POLL_MAX_INTERVAL, "1s",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "250ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "1s",
        // the fake cloud and the simulator (by default) list a request as soon as it exists
        OperatorConfig.CLOUD_LIST_LAG, "100ms"));
    environment.putAll(settings);
    return new EndToEndEnvironment(KubernetesTestServer.start(), simulators,
        options.tls().map(TlsIdentity::chainPem), environment);
  }

  /** Kubernetes and an AWS simulator with the AWS demo fixture: the default connection reaches AWS. */
  public static EndToEndEnvironment startAws(Map<String, String> settings) {
    return start(SimulatorFixture.demoAws(), settings);
  }

  /**
   * The huaweiCloud block of a connection to the simulator: its endpoint (plain http allowed when it serves http),
   * its certificate as the CA bundle when it serves https, the demo's domain ID, and the Secret {@code secretName}.
   */
  public HuaweiCloudConnection huaweiCloud(String secretName) {
    HuaweiCloudConnection huawei = TestConnections.huaweiCloud(simulator(Cloud.HUAWEI).endpoint(), secretName,
        CREDENTIALS);
    caBundle.ifPresent(huawei::setCaBundle);
    return huawei;
  }

  /**
   * The aws block of a connection to the AWS simulator: its endpoint (plain http allowed when it serves http), its
   * fixture's region, its certificate as the CA bundle when it serves https, and the Secret {@code secretName}.
   */
  public AwsConnection aws(String secretName) {
    Simulator aws = simulatorOf(Cloud.AWS);
    AwsConnection block = TestConnections.aws(aws.simulator().endpoint(), aws.fixture().region(), secretName);
    caBundle.ifPresent(block::setCaBundle);
    return block;
  }

  /**
   * Creates, or replaces, the credentials Secret {@code name} in the operator's namespace and the
   * ClusterIdentityCenterConnection {@code name} that reaches the AWS simulator with it, admitting
   * {@code namespaces}.
   */
  public ClusterIdentityCenterConnection awsConnection(String name, CloudCredentials credentials,
      List<String> namespaces) {
    TestConnections.secret(kubernetes.client(), TestConnections.OPERATOR_NAMESPACE, name, credentials);
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    spec.setAws(aws(name));
    return TestConnections.cluster(kubernetes.client(), name, spec, namespaces);
  }

  /**
   * Creates, or replaces, the Secret and the ClusterIdentityCenterConnection {@code default} of the operator's
   * namespace, reaching the simulator (the first one's cloud) with its demo's keys and admitting {@code namespaces}.
   */
  public ClusterIdentityCenterConnection defaultConnection(List<String> namespaces) {
    boolean aws = simulators.keySet().iterator().next() == Cloud.AWS;
    TestConnections.secret(kubernetes.client(), TestConnections.OPERATOR_NAMESPACE,
        TestConnections.DEFAULT_SECRET, aws ? AWS_CREDENTIALS : CREDENTIALS);
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    if (aws) {
      spec.setAws(aws(TestConnections.DEFAULT_SECRET));
    } else {
      spec.setHuaweiCloud(huaweiCloud(TestConnections.DEFAULT_SECRET));
    }
    return TestConnections.cluster(kubernetes.client(), ConnectionKey.DEFAULT_NAME, spec, namespaces);
  }

  /**
   * Starts the operator. Unless the test made one of its own, it first creates the ClusterIdentityCenterConnection
   * {@code default} with {@link #defaultConnection}, admitting {@link TestConnections#TEST_NAMESPACES}.
   */
  public void startOperator() {
    startOperator(kubernetes.client());
  }

  /** As {@link #startOperator()}, with its own Kubernetes client, for example one that records what it sends. */
  public void startOperator(KubernetesClient operatorClient) {
    if (kubernetes.client().resources(ClusterIdentityCenterConnection.class).withName(ConnectionKey.DEFAULT_NAME)
        .get() == null) {
      defaultConnection(TestConnections.TEST_NAMESPACES);
    }
    launch(operatorClient);
  }

  /** Starts the operator with the connections there are, and none of its own: the caller makes them. */
  public void startOperatorWithoutDefaultConnection() {
    launch(kubernetes.client());
  }

  private void launch(KubernetesClient operatorClient) {
    operator = PermissionSetOperator.create(operatorClient, OperatorConfig.fromEnvironment(environment), clients,
        Clock.systemUTC(), LostLease.KEEP_RUNNING);
    operator.start();
  }

  /**
   * Stops the operator as a shutdown or a crash of its pod would, so that it sends nothing more; Kubernetes and the
   * simulator keep their state, {@link #close()} stops them.
   */
  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** The running operator's metrics, in Prometheus' text format. */
  public String scrapeMetrics() {
    if (operator == null) {
      throw new IllegalStateException("the operator is not running");
    }
    return operator.scrapeMetrics();
  }

  /** The simulator's certificate (PEM), what a connection's caBundle needs; empty when it serves plain http. */
  public Optional<String> caBundle() {
    return caBundle;
  }

  public KubernetesTestServer kubernetesServer() {
    return kubernetes;
  }

  public KubernetesClient kubernetes() {
    return kubernetes.client();
  }

  /** The simulator of the first fixture. */
  public IdentityCenterSimulator simulator() {
    return simulators.values().iterator().next().simulator();
  }

  /**
   * The simulator that speaks {@code cloud}'s protocol.
   *
   * @throws IllegalStateException when none does
   */
  public IdentityCenterSimulator simulator(Cloud cloud) {
    return simulatorOf(cloud).simulator();
  }

  private Simulator simulatorOf(Cloud cloud) {
    return Optional.ofNullable(simulators.get(cloud)).orElseThrow(() -> new IllegalStateException(
        "no simulator speaks " + cloud + " here; start the environment with a fixture of that cloud"));
  }

  public PermissionSetProvisioning get(String namespace, String name) {
    return kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(namespace).withName(name).get();
  }

  @Override
  public void close() {
    stopOperator();
    clients.close();
    simulators.values().forEach(running -> running.simulator().close());
    kubernetes.close();
  }
}
