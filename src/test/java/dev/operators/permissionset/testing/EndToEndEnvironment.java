package dev.operators.permissionset.testing;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.PermissionSetOperator.LostLease;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The real operator against the mock Kubernetes API and the Identity Center simulator, over real HTTP with real
 * signatures: what the demo shows a person and what the end-to-end tests assert.
 */
public final class EndToEndEnvironment implements AutoCloseable {

  private final KubernetesTestServer kubernetes;
  private final IdentityCenterSimulator simulator;
  private final HuaweiIdentityCenterClientFactory clients;
  private final Map<String, String> environment;
  private PermissionSetOperator operator;

  private EndToEndEnvironment(KubernetesTestServer kubernetes, IdentityCenterSimulator simulator,
      Map<String, String> environment) {
    this.kubernetes = kubernetes;
    this.simulator = simulator;
    this.environment = environment;
    this.clients = HuaweiIdentityCenterClientFactory.forOperator(OperatorConfig.fromEnvironment(environment),
        Clock.systemUTC());
  }

  /**
   * Starts Kubernetes and the simulator with the demo fixture; the operator starts with {@link #startOperator()}.
   *
   * @param settings operator environment variables on top of the demo's (the simulator's endpoint, the demo's
   *     default credentials, quick polling)
   */
  public static EndToEndEnvironment start(Map<String, String> settings) {
    return start(SimulatorFixture.demo(), settings);
  }

  /** As {@link #start(Map)}, with the simulator holding {@code fixture} instead of the demo's world. */
  public static EndToEndEnvironment start(SimulatorFixture fixture, Map<String, String> settings) {
    IdentityCenterSimulator simulator = IdentityCenterSimulator.start(fixture,
        IdentityCenterSimulator.Options.defaults());
    Map<String, String> environment = new HashMap<>(Map.of(
        OperatorConfig.ENDPOINT, simulator.endpoint().toString(),
        OperatorConfig.ACCESS_KEY, DemoWorld.ACCESS_KEY,
        OperatorConfig.SECRET_KEY, DemoWorld.SECRET_KEY,
        OperatorConfig.DOMAIN_ID, DemoWorld.DOMAIN_ID,
        OperatorConfig.POLL_INITIAL_INTERVAL, "250ms",
        OperatorConfig.POLL_MAX_INTERVAL, "1s",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "250ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "1s",
        // the fake cloud and the simulator (by default) list a request as soon as it exists
        OperatorConfig.CLOUD_LIST_LAG, "100ms"));
    environment.putAll(settings);
    return new EndToEndEnvironment(KubernetesTestServer.start(), simulator, environment);
  }

  public void startOperator() {
    startOperator(kubernetes.client());
  }

  /** Starts the operator with its own Kubernetes client, for example one that records what it sends. */
  public void startOperator(KubernetesClient operatorClient) {
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

  public KubernetesTestServer kubernetesServer() {
    return kubernetes;
  }

  public KubernetesClient kubernetes() {
    return kubernetes.client();
  }

  public IdentityCenterSimulator simulator() {
    return simulator;
  }

  public PermissionSetProvisioning get(String namespace, String name) {
    return kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(namespace).withName(name).get();
  }

  @Override
  public void close() {
    stopOperator();
    clients.close();
    simulator.close();
    kubernetes.close();
  }
}
