package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.testing.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CredentialsResolverTest {

  private static KubernetesTestServer kubernetes;
  private static CredentialsResolver resolver;
  private static final CloudCredentials DEFAULTS = CloudCredentials.of("AKDEFAULT", "sk-default");

  @BeforeAll
  static void start() {
    kubernetes = KubernetesTestServer.start();
    resolver = new CredentialsResolver(kubernetes.client(), Optional.of(DEFAULTS));
    secret("complete", Map.of("accessKey", "AKTEAM", "secretKey", "sk-team", "domainId", "dom-1"));
    secret("no-secret-key", Map.of("accessKey", "AKTEAM"));
    secret("quoted", Map.of("accessKey", "AKTEAM", "secretKey", "\"sk team\""));
    secret("empty-token", Map.of("accessKey", "AKTEAM", "secretKey", "sk", "securityToken", " "));
  }

  @AfterAll
  static void stop() {
    kubernetes.close();
  }

  private static void secret(String name, Map<String, String> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace("team").endMetadata();
    values.forEach((key, value) ->
        secret.addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    kubernetes.client().resource(secret.build()).create();
  }

  private static PermissionSetProvisioning resource(String secretName) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("team").build());
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setCredentialsSecretRef(secretName == null ? null : new SecretReference(secretName));
    resource.setSpec(spec);
    return resource;
  }

  @Test
  void withoutAReferenceTheDefaultsApply() {
    assertThat(resolver.resolve(resource(null))).isEqualTo(DEFAULTS);
  }

  @Test
  void readsTheSecretOfTheResourcesNamespace() {
    assertThat(resolver.resolve(resource("complete")))
        .isEqualTo(new CloudCredentials("AKTEAM", "sk-team", Optional.empty(), Optional.of("dom-1")));
  }

  @Test
  void withoutDefaultsAMissingReferenceSaysWhatToDo() {
    CredentialsResolver noDefaults = new CredentialsResolver(kubernetes.client(), Optional.empty());

    assertThatThrownBy(() -> noDefaults.resolve(resource(null)))
        .isInstanceOf(CredentialsException.class).hasMessageContaining("spec.credentialsSecretRef");
  }

  @Test
  void problemsNameTheSecretAndKeyButNeverTheValue() {
    assertThatThrownBy(() -> resolver.resolve(resource("absent")))
        .hasMessageContaining("Secret team/absent").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> resolver.resolve(resource("no-secret-key")))
        .hasMessageContaining("Secret team/no-secret-key has no key secretKey");
    assertThatThrownBy(() -> resolver.resolve(resource("quoted")))
        .hasMessageContaining("key secretKey of Secret team/quoted").hasMessageNotContaining("sk team");
    assertThatThrownBy(() -> resolver.resolve(resource("empty-token")))
        .hasMessageContaining("key securityToken of Secret team/empty-token is empty");
  }
}
