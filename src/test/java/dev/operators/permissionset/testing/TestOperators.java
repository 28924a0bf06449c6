package dev.operators.permissionset.testing;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.PermissionSetOperator.LostLease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Operators for tests on the mock Kubernetes API: default credentials and quick polling and retries. */
public final class TestOperators {

  public static final String ACCESS_KEY = "AKDEFAULT";
  public static final String SECRET_KEY = "sk-default";

  private TestOperators() {
  }

  /** Started, with {@code settings} on top of the quick defaults; a lost Lease does not end the test JVM. */
  public static PermissionSetOperator start(KubernetesClient kubernetes, IdentityCenterClientFactory cloud,
      Map<String, String> settings) {
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes, config(settings), cloud,
        Clock.systemUTC(), LostLease.KEEP_RUNNING);
    operator.start();
    return operator;
  }

  /**
   * The configuration {@link #start} gives: default credentials, quick polling and retries, a short list lag (the
   * fake lists a request as soon as it exists), then {@code settings}.
   */
  public static OperatorConfig config(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of(
        OperatorConfig.ACCESS_KEY, ACCESS_KEY,
        OperatorConfig.SECRET_KEY, SECRET_KEY,
        OperatorConfig.POLL_INITIAL_INTERVAL, "100ms",
        OperatorConfig.POLL_MAX_INTERVAL, "300ms",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "100ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "400ms",
        OperatorConfig.CLOUD_LIST_LAG, "100ms"));
    env.putAll(settings);
    return OperatorConfig.fromEnvironment(env);
  }

  /**
   * The settings of one replica that takes part in leader election, with a Lease short enough that a standby takes
   * over within a test.
   */
  public static Map<String, String> leaderElection(String podName, String podNamespace) {
    return Map.of(
        OperatorConfig.LEADER_ELECTION, "true",
        OperatorConfig.POD_NAME, podName,
        OperatorConfig.POD_NAMESPACE, podNamespace,
        OperatorConfig.LEADER_ELECTION_LEASE_DURATION, "2s",
        OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE, "1500ms",
        OperatorConfig.LEADER_ELECTION_RETRY_PERIOD, "200ms");
  }
}
