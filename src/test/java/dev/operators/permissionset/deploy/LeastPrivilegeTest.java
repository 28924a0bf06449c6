package dev.operators.permissionset.deploy;

import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.deploy.RenderedDeploy.Grant;
import dev.operators.permissionset.testing.ApiAccessRecorder;
import dev.operators.permissionset.testing.ApiAccessRecorder.Access;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.TestConnections;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RBAC of deploy/ and of the Helm chart is exactly what the operator uses: every request it sends in a run that
 * exercises every feature (leader election, a cluster connection and a namespaced one with their Secrets,
 * namespaces' labels, status of resources and connections, events new and aggregated, of resources and of cluster
 * connections) is allowed, and every permission granted is used; with every namespace watched (one ClusterRole)
 * and with one (a Role in it).
 * Expectations come from the rendered manifests, not from this test.
 */
class LeastPrivilegeTest {

  /** Every authenticated account may do these (the default system:basic-user role); JOSDK checks Lease access so. */
  private static final Set<Access> GRANTED_TO_EVERYONE = Set.of(new Access("create", "authorization.k8s.io",
      "selfsubjectrulesreviews", Optional.empty()));

  /**
   * Demanded, never used: JOSDK refuses to start leader election unless a SelfSubjectRulesReview shows update on
   * leases, although fabric8's Lease lock writes with patch.
   */
  private static Set<Grant> requiredButUnused(String operatorNamespace) {
    return Set.of(new Grant("update", "coordination.k8s.io", "leases", Optional.of(operatorNamespace)));
  }

  private static void awaitReason(EndToEndEnvironment environment, String name, String reason) {
    AwaitStatus.withReason(environment.kubernetes(), NAMESPACE, name, reason);
  }

  static Stream<Named<Installations.Rendering>> installations() {
    return Stream.of(
        Named.of("deploy/", RenderedDeploy::render),
        Named.of("chart, defaults", () -> HelmChart.template(Map.of())),
        Named.of("chart, watching " + NAMESPACE + " only",
            () -> HelmChart.template(Map.of("watchNamespaces[0]", NAMESPACE))));
  }

  @ParameterizedTest
  @MethodSource("installations")
  void theOperatorSendsOnlyWhatTheRbacAllowsAndUsesAllOfIt(Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    Set<Grant> grants = deploy.grants();
    String operatorNamespace = deploy.operatorNamespace();
    ApiAccessRecorder recorder = new ApiAccessRecorder();
    Map<String, String> settings = new HashMap<>(TestOperators.leaderElection("permission-set-operator-0",
        operatorNamespace));
    settings.put(OperatorConfig.WATCH_NAMESPACES, String.join(",", deploy.watchNamespaces()));

    try (EndToEndEnvironment environment = EndToEndEnvironment.start(settings);
        KubernetesClient operatorClient = environment.kubernetesServer().newClient(recorder)) {
      KubernetesClient kubernetes = environment.kubernetes();
      assertThat(operatorNamespace).isEqualTo(TestConnections.OPERATOR_NAMESPACE);
      TestConnections.secret(kubernetes, NAMESPACE, "platform-team", EndToEndEnvironment.CREDENTIALS);
      TestConnections.namespaced(kubernetes, NAMESPACE, "platform-team", environment.huaweiCloud("platform-team"));
      environment.startOperator(operatorClient);
      TestConnections.awaitReady(kubernetes, ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME));
      TestConnections.awaitReady(kubernetes, ConnectionKey.namespaced(NAMESPACE, "platform-team"));

      kubernetes.resource(toAccount("through-default", READ_ONLY, PAYMENTS)).create();
      awaitReason(environment, "through-default", "Provisioned");
      PermissionSetProvisioning namespaced = toAccount("through-namespaced", READ_ONLY, PAYMENTS);
      namespaced.getSpec().setConnectionRef(new ConnectionReference(ConnectionReference.Kind.IdentityCenterConnection,
          "platform-team"));
      kubernetes.resource(namespaced).create();
      awaitReason(environment, "through-namespaced", "Provisioned");
      // invalid, fixed, then invalid the same way again: the second InvalidSpec event is an aggregated repeat
      kubernetes.resource(toAccount("flapping", READ_ONLY, null)).create();
      awaitReason(environment, "flapping", "InvalidSpec");
      kubernetes.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName("flapping")
          .edit(r -> {
            r.getSpec().setTargetId(PAYMENTS);
            return r;
          });
      awaitReason(environment, "flapping", "Provisioned");
      kubernetes.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName("flapping")
          .edit(r -> {
            r.getSpec().setTargetId(null);
            return r;
          });
      await().atMost(Duration.ofSeconds(30)).until(() -> kubernetes.v1().events().inNamespace(NAMESPACE).list()
          .getItems().stream().anyMatch(e -> "InvalidSpec".equals(e.getReason()) && e.getCount() == 2));
      // the cluster connection loses its Secret twice: its Events (in default, as it is cluster-scoped) repeat too
      for (int loss = 1; loss <= 2; loss++) {
        kubernetes.secrets().inNamespace(operatorNamespace).withName(TestConnections.DEFAULT_SECRET).delete();
        TestConnections.awaitReason(kubernetes, TestConnections.DEFAULT, "CredentialsUnavailable");
        if (loss == 1) {
          TestConnections.secret(kubernetes, operatorNamespace, TestConnections.DEFAULT_SECRET,
              EndToEndEnvironment.CREDENTIALS);
          TestConnections.awaitReady(kubernetes, TestConnections.DEFAULT);
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> kubernetes.v1().events().inNamespace("default").list()
          .getItems().stream().anyMatch(e -> "CredentialsUnavailable".equals(e.getReason()) && e.getCount() == 2));
      environment.stopOperator();
    }

    Set<Access> sent = recorder.accesses();
    Set<Access> notAllowed = sent.stream()
        .filter(access -> !GRANTED_TO_EVERYONE.contains(access))
        .filter(access -> grants.stream().noneMatch(grant -> grant.allows(access.verb(), access.apiGroup(),
            access.resource(), access.namespace())))
        .collect(Collectors.toSet());
    Set<Grant> unused = new HashSet<>(grants);
    unused.removeIf(grant -> sent.stream().anyMatch(access -> grant.allows(access.verb(), access.apiGroup(),
        access.resource(), access.namespace())));
    unused.removeAll(requiredButUnused(operatorNamespace));

    assertThat(notAllowed).as("sent but not granted:" + RenderedDeploy.describe(notAllowed)
        + "\nall sent:" + RenderedDeploy.describe(sent)).isEmpty();
    assertThat(unused).as("granted but never used:" + RenderedDeploy.describe(unused)
        + "\nall sent:" + RenderedDeploy.describe(sent)).isEmpty();
    assertThat(grants).containsAll(requiredButUnused(operatorNamespace));
    assertThat(recorder.nonResourcePaths()).as("discovery and version requests").isEmpty();
  }
}
