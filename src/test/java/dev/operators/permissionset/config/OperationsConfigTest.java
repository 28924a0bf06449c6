package dev.operators.permissionset.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Leader election, the replica's name and the label selector, as the environment sets them. */
class OperationsConfigTest {

  @Test
  void leaderElectionIsOffWithoutTheVariableAndUsesKubernetesDefaultTimings() {
    LeaderElection election = OperatorConfig.fromEnvironment(Map.of()).leaderElection();

    assertThat(election.enabled()).isFalse();
    assertThat(election.leaseName()).isEqualTo("permission-set-operator");
    assertThat(election.leaseNamespace()).isEmpty();
    assertThat(election.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(election.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(election.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void leaseNamespaceComesFromTheDownwardApiUnlessSetAndIdentityFromThePodName() {
    OperatorConfig fromPod = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "true",
        "POD_NAMESPACE", "permission-set-operator", "POD_NAME", "permission-set-operator-7d9f-abcde",
        "HOSTNAME", "ignored"));
    OperatorConfig explicit = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "TRUE",
        "POD_NAMESPACE", "permission-set-operator", "LEADER_ELECTION_LEASE_NAMESPACE", "operators",
        "LEADER_ELECTION_LEASE_NAME", "shard-a", "HOSTNAME", "host-1"));

    assertThat(fromPod.leaderElection().enabled()).isTrue();
    assertThat(fromPod.leaderElection().leaseNamespace()).contains("permission-set-operator");
    assertThat(fromPod.instance()).isEqualTo("permission-set-operator-7d9f-abcde");
    assertThat(explicit.leaderElection().leaseNamespace()).contains("operators");
    assertThat(explicit.leaderElection().leaseName()).isEqualTo("shard-a");
    assertThat(explicit.instance()).isEqualTo("host-1");
  }

  @Test
  void withoutPodNameOrHostnameEachProcessGetsItsOwnIdentity() {
    assertThat(OperatorConfig.fromEnvironment(Map.of()).instance())
        .startsWith("permission-set-operator-")
        .isNotEqualTo(OperatorConfig.fromEnvironment(Map.of()).instance());
  }

  @Test
  void badLeaderElectionSettingsNameTheVariable() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "yes")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("LEADER_ELECTION='yes'");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_RENEW_DEADLINE", "20s")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("LEADER_ELECTION_RENEW_DEADLINE must be shorter than LEADER_ELECTION_LEASE_DURATION");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION_RETRY_PERIOD", "10s")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("LEADER_ELECTION_RETRY_PERIOD must be shorter than LEADER_ELECTION_RENEW_DEADLINE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"shard=a", "shard==a", "shard!=b", "team in (payments, billing)", "!legacy",
      "operators.dev/shard=a,tier notin (dev),managed", "app.kubernetes.io/part-of=platform", "shard="})
  void acceptsLabelSelectorsAsKubectlWritesThem(String selector) {
    assertThat(OperatorConfig.fromEnvironment(Map.of("RESOURCE_LABEL_SELECTOR", selector)).labelSelector())
        .contains(selector);
  }

  @ParameterizedTest
  @ValueSource(strings = {"=a", "shard in payments", "team in (a,(b))", "a b", "shard=a,", "sh@rd=a"})
  void refusesWhatIsNoLabelSelector(String selector) {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("RESOURCE_LABEL_SELECTOR", selector)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("RESOURCE_LABEL_SELECTOR='" + selector + "' is not a label selector");
  }

  @Test
  void noSelectorMeansEveryResource() {
    assertThat(OperatorConfig.fromEnvironment(Map.of()).labelSelector()).isEmpty();
  }

  @Test
  void logFormatIsTextOrJson() {
    assertThat(OperatorConfig.fromEnvironment(Map.of("LOG_FORMAT", "json"))).isNotNull();
    assertThat(OperatorConfig.fromEnvironment(Map.of("LOG_FORMAT", "text"))).isNotNull();
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LOG_FORMAT", "JSON")))
        .isInstanceOf(ConfigurationException.class).hasMessage("LOG_FORMAT='JSON' must be text or json");
  }
}
