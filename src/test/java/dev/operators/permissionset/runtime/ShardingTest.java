package dev.operators.permissionset.runtime;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operators that each take their own share of the resources, by label and by namespace, and ignore the rest. */
class ShardingTest {

  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String ACCOUNT_A = "5146d03d8aaaaaaaaaaaabbae60620a5";
  private static final String ACCOUNT_B = "0c1d2e3f405162738495a6b7c8d9e0f1";
  private static final String ACCOUNT_OTHER = "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloudA = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private final FakeIdentityCenter cloudB = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private PermissionSetOperator shardA;
  private PermissionSetOperator shardB;

  @AfterEach
  void stop() {
    for (PermissionSetOperator operator : new PermissionSetOperator[] {shardA, shardB}) {
      if (operator != null) {
        operator.close();
      }
    }
    kubernetes.close();
  }

  private PermissionSetProvisioning create(String namespace, String name, Map<String, String> labels,
      String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId("ins-4f1d2c3b4a596870");
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(account);
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build());
    resource.setSpec(spec);
    return kubernetes.client().resource(resource).create();
  }

  private PermissionSetProvisioning current(String namespace, String name) {
    return kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(namespace).withName(name)
        .get();
  }

  private void awaitProvisioned(String namespace, String name) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      PermissionSetProvisioning resource = current(namespace, name);
      return resource.getStatus() != null && resource.getStatus().condition("Ready")
          .map(c -> "Provisioned".equals(c.getReason())).orElse(false);
    });
  }

  @Test
  void eachShardReconcilesOnlyWhatItsSelectorAndNamespacesMatch() {
    cloudA.onProvision(status(SUCCEEDED));
    cloudB.onProvision(status(SUCCEEDED));
    Map<String, String> scope = new HashMap<>(Map.of(OperatorConfig.WATCH_NAMESPACES, "team-a,team-b"));
    scope.put(OperatorConfig.RESOURCE_LABEL_SELECTOR, "operators.dev/shard=a");
    shardA = TestOperators.start(kubernetes.client(), cloudA, scope);
    scope.put(OperatorConfig.RESOURCE_LABEL_SELECTOR, "operators.dev/shard=b");
    shardB = TestOperators.start(kubernetes.client(), cloudB, scope);

    // created first, so that they were there to be seen when the matching ones were reconciled
    create("team-a", "unlabelled", Map.of(), ACCOUNT_OTHER);
    create("team-a", "shard-c", Map.of("operators.dev/shard", "c"), ACCOUNT_OTHER);
    create("elsewhere", "shard-a-unwatched-namespace", Map.of("operators.dev/shard", "a"), ACCOUNT_OTHER);
    create("team-a", "in-a", Map.of("operators.dev/shard", "a"), ACCOUNT_A);
    create("team-b", "in-b", Map.of("operators.dev/shard", "b"), ACCOUNT_B);

    awaitProvisioned("team-a", "in-a");
    awaitProvisioned("team-b", "in-b");

    assertThat(cloudA.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.target()).isEqualTo(ProvisioningTarget.account(ACCOUNT_A)));
    assertThat(cloudB.provisionCalls()).singleElement()
        .satisfies(call -> assertThat(call.target()).isEqualTo(ProvisioningTarget.account(ACCOUNT_B)));
    assertThat(current("team-a", "unlabelled").getStatus()).isNull();
    assertThat(current("team-a", "shard-c").getStatus()).isNull();
    assertThat(current("elsewhere", "shard-a-unwatched-namespace").getStatus()).isNull();
  }
}
