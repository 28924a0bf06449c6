package dev.operators.permissionset.testing;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.PermissionSetOperator.LostLease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Operators for tests on the mock Kubernetes API: a default connection to the fake cloud, quick polling and
 * retries.
 */
public final class TestOperators {

  /** The credentials of the default connection {@link #start} creates. */
  public static final String ACCESS_KEY = "AKDEFAULT";
  public static final String SECRET_KEY = "sk-default";
  public static final CloudCredentials CREDENTIALS = CloudCredentials.of(ACCESS_KEY, SECRET_KEY);

  private TestOperators() {
  }

  /**
   * Started, with {@code settings} on top of the quick defaults; a lost Lease does not end the test JVM. Unless the
   * test made one of its own, it creates the ClusterIdentityCenterConnection {@code default}, reaching
   * {@link FakeIdentityCenter#DEFAULT_ENDPOINT} with {@link #CREDENTIALS} and admitting
   * {@link TestConnections#TEST_NAMESPACES}: resources provision once the operator found it Ready.
   */
  public static PermissionSetOperator start(KubernetesClient kubernetes, IdentityCenterClientFactory cloud,
      Map<String, String> settings) {
    TestConnections.defaultUnlessPresent(kubernetes, FakeIdentityCenter.DEFAULT_ENDPOINT.url(), CREDENTIALS,
        TestConnections.TEST_NAMESPACES);
    PermissionSetOperator operator = PermissionSetOperator.create(kubernetes, config(settings), cloud,
        Clock.systemUTC(), LostLease.KEEP_RUNNING);
    operator.start();
    return operator;
  }

  /**
   * The configuration {@link #start} gives: the operator's namespace {@link TestConnections#OPERATOR_NAMESPACE},
   * quick polling and retries, a short list lag (the fake lists a request as soon as it exists), then
   * {@code settings}.
   */
  public static OperatorConfig config(Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of(
        OperatorConfig.POD_NAMESPACE, TestConnections.OPERATOR_NAMESPACE,
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
