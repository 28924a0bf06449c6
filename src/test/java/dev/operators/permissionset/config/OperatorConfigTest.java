package dev.operators.permissionset.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

  @Test
  void defaultsNeedNoEnvironment() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

    assertThat(config.watchNamespaces()).isEmpty();
    assertThat(config.operatorNamespace()).isEmpty();
    assertThat(config.connectionCheckInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.timing()).isEqualTo(new Timing(Duration.ofSeconds(2), Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofSeconds(10),
        Duration.ofMinutes(10)));
    assertThat(config.reconcileThreads()).isEqualTo(10);
    assertThat(config.healthPort()).isEqualTo(8080);
  }

  @Test
  void readsEveryVariable() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.ofEntries(
        Map.entry("POD_NAMESPACE", "permission-set-operator"),
        Map.entry("CONNECTION_CHECK_INTERVAL", "90s"),
        Map.entry("WATCH_NAMESPACES", " team-a, team-b ,,"),
        Map.entry("POLL_INITIAL_INTERVAL", "500ms"),
        Map.entry("POLL_MAX_INTERVAL", "PT2M"),
        Map.entry("RETRY_INITIAL_INTERVAL", "3s"),
        Map.entry("RETRY_MAX_INTERVAL", "1h"),
        Map.entry("PROVISIONING_TIMEOUT", "2h"),
        Map.entry("CLOUD_LIST_LAG", "30s"),
        Map.entry("DRIFT_CHECK_INTERVAL", "15m"),
        Map.entry("HTTP_CONNECT_TIMEOUT", "1s"),
        Map.entry("HTTP_READ_TIMEOUT", "2m"),
        Map.entry("RECONCILE_THREADS", "4"),
        Map.entry("HEALTH_PORT", "9090")));

    assertThat(config.operatorNamespace()).contains("permission-set-operator");
    assertThat(config.connectionCheckInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
    assertThat(config.timing()).isEqualTo(new Timing(Duration.ofMillis(500), Duration.ofMinutes(2),
        Duration.ofSeconds(3), Duration.ofHours(1), Duration.ofHours(2), Duration.ofSeconds(30),
        Duration.ofMinutes(15)));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.reconcileThreads()).isEqualTo(4);
    assertThat(config.healthPort()).isEqualTo(9090);
  }

  @Test
  void badValuesNameTheVariableAndTheFix() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("POLL_MAX_INTERVAL", "soon")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("POLL_MAX_INTERVAL").hasMessageContaining("5s");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("CONNECTION_CHECK_INTERVAL", "0s")))
        .hasMessageContaining("CONNECTION_CHECK_INTERVAL");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("RECONCILE_THREADS", "0")))
        .hasMessageContaining("RECONCILE_THREADS").hasMessageContaining("1 to 200");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("POLL_INITIAL_INTERVAL", "0s")))
        .hasMessageContaining("POLL_INITIAL_INTERVAL");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("POLL_INITIAL_INTERVAL", "2m")))
        .hasMessageContaining("POLL_MAX_INTERVAL must not be shorter than POLL_INITIAL_INTERVAL");
  }

  @Test
  void logLevelIsOneLog4jKnowsAndTheMessageListsThem() {
    assertThat(OperatorConfig.fromEnvironment(Map.of("LOG_LEVEL", "debug"))).isNotNull();

    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LOG_LEVEL", "LOUD")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("LOG_LEVEL='LOUD' must be one of ERROR, WARN, INFO, DEBUG, TRACE");
  }

  @Test
  void watchedNamespacesAreCommaSeparatedNamespaceNames() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", "a b")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("WATCH_NAMESPACES='a b': 'a b' is not a namespace name")
        .hasMessageContaining("separate names with commas");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", "team-a,Team_B")))
        .hasMessageContaining("'Team_B' is not a namespace name");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", "a".repeat(64))))
        .hasMessageContaining("at most 63");
  }

  @Test
  void namespacesAndTheLeaseNameAreKubernetesNames() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("POD_NAMESPACE", "Operators")))
        .hasMessageStartingWith("POD_NAMESPACE='Operators' is not a namespace name");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_LEASE_NAMESPACE", "a.b")))
        .hasMessageStartingWith("LEADER_ELECTION_LEASE_NAMESPACE='a.b' is not a namespace name");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_LEASE_NAME", "my lease")))
        .hasMessageStartingWith("LEADER_ELECTION_LEASE_NAME='my lease' is not a Lease name");
    assertThat(OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_LEASE_NAME", "shard-a.operators.dev"))
        .leaderElection().leaseName()).isEqualTo("shard-a.operators.dev");
  }

  @Test
  void aDurationOfZeroShowsTheValueWritten() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("HTTP_READ_TIMEOUT", "0s")))
        .hasMessage("HTTP_READ_TIMEOUT='0s' must be longer than zero; write it like 500ms, 5s, 2m or 1h");
  }
}
