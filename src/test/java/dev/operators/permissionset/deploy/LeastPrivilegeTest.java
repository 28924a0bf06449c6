package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.deploy.RenderedDeploy.Grant;
import dev.operators.permissionset.reconciler.CredentialsResolver;
import dev.operators.permissionset.testing.ApiAccessRecorder;
import dev.operators.permissionset.testing.ApiAccessRecorder.Access;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The RBAC in deploy/ is exactly what the operator uses: every request it sends in a run that exercises every
 * feature (leader election, credentials from a Secret, status, events new and aggregated) is allowed, and every
 * permission granted is used. Expectations come from the rendered manifests, not from this test.
 */
class LeastPrivilegeTest {

  private static final String NAMESPACE = "platform";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String PAYMENTS = "5146d03d8aaaaaaaaaaaabbae60620a5";

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

  private static PermissionSetProvisioningSpec spec(String targetId, String secret) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(targetId);
    if (secret != null) {
      SecretReference reference = new SecretReference();
      reference.setName(secret);
      spec.setCredentialsSecretRef(reference);
    }
    return spec;
  }

  private static PermissionSetProvisioning resource(String name, PermissionSetProvisioningSpec spec) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void awaitReason(EndToEndEnvironment environment, String name, String reason) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      PermissionSetProvisioning resource = environment.get(NAMESPACE, name);
      return resource != null && resource.getStatus() != null && resource.getStatus().condition("Ready")
          .map(c -> reason.equals(c.getReason())).orElse(false);
    });
  }

  @Test
  void theOperatorSendsOnlyWhatDeployRbacAllowsAndUsesAllOfIt() throws Exception {
    RenderedDeploy deploy = RenderedDeploy.render();
    Set<Grant> grants = deploy.grants();
    String operatorNamespace = deploy.operatorNamespace();
    ApiAccessRecorder recorder = new ApiAccessRecorder();

    try (EndToEndEnvironment environment = EndToEndEnvironment.start(Map.of(
        OperatorConfig.LEADER_ELECTION, "true",
        OperatorConfig.POD_NAME, "permission-set-operator-0",
        OperatorConfig.POD_NAMESPACE, operatorNamespace,
        OperatorConfig.LEADER_ELECTION_LEASE_DURATION, "2s",
        OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE, "1500ms",
        OperatorConfig.LEADER_ELECTION_RETRY_PERIOD, "200ms"));
        KubernetesClient operatorClient = environment.kubernetesServer().newClient(recorder)) {
      KubernetesClient kubernetes = environment.kubernetes();
      kubernetes.resource(new SecretBuilder()
          .withNewMetadata().withName("identity-center").withNamespace(NAMESPACE).endMetadata()
          .withData(Map.of(CredentialsResolver.ACCESS_KEY, base64(EndToEndEnvironment.DEMO_ACCESS_KEY),
              CredentialsResolver.SECRET_KEY, base64(EndToEndEnvironment.DEMO_SECRET_KEY),
              CredentialsResolver.DOMAIN_ID, base64(EndToEndEnvironment.DEMO_DOMAIN_ID)))
          .build()).create();
      environment.startOperator(operatorClient);

      kubernetes.resource(resource("with-secret", spec(PAYMENTS, "identity-center"))).create();
      awaitReason(environment, "with-secret", "Provisioned");
      // invalid, fixed, then invalid the same way again: the second InvalidSpec event is an aggregated repeat
      kubernetes.resource(resource("flapping", spec(null, null))).create();
      awaitReason(environment, "flapping", "InvalidSpec");
      kubernetes.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName("flapping")
          .edit(r -> {
            r.setSpec(spec(PAYMENTS, null));
            return r;
          });
      awaitReason(environment, "flapping", "Provisioned");
      kubernetes.resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName("flapping")
          .edit(r -> {
            r.setSpec(spec(null, null));
            return r;
          });
      await().atMost(Duration.ofSeconds(30)).until(() -> kubernetes.v1().events().inNamespace(NAMESPACE).list()
          .getItems().stream().anyMatch(e -> "InvalidSpec".equals(e.getReason()) && e.getCount() == 2));
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

    assertThat(notAllowed).as("sent but not granted by deploy/:" + RenderedDeploy.describe(notAllowed)
        + "\nall sent:" + RenderedDeploy.describe(sent)).isEmpty();
    assertThat(unused).as("granted by deploy/ but never used:" + RenderedDeploy.describe(unused)
        + "\nall sent:" + RenderedDeploy.describe(sent)).isEmpty();
    assertThat(grants).containsAll(requiredButUnused(operatorNamespace));
    assertThat(recorder.nonResourcePaths()).as("discovery and version requests").isEmpty();
  }
}
