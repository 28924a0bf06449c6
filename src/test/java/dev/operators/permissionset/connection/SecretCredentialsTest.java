package dev.operators.permissionset.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.identitycenter.CloudCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretCredentialsTest {

  private static Secret secret(Map<String, String> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName("keys").withNamespace("team").endMetadata();
    values.forEach((key, value) ->
        secret.addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    return secret.build();
  }

  @Test
  void readsTheKeysAndTakesTheDomainFromTheConnection() {
    Secret secret = secret(Map.of("accessKey", "AKTEAM", "secretKey", "sk-team\n", "securityToken", "token"));

    assertThat(SecretCredentials.read(secret, "team/keys", Optional.of("dom-1")))
        .isEqualTo(new CloudCredentials("AKTEAM", "sk-team", Optional.of("token"), Optional.of("dom-1")));
  }

  @Test
  void problemsNameTheSecretAndKeyButNeverTheValue() {
    assertThatThrownBy(() -> SecretCredentials.read(secret(Map.of("accessKey", "AKTEAM")), "team/keys",
        Optional.empty())).isInstanceOf(CredentialsException.class)
        .hasMessageContaining("Secret team/keys has no key secretKey");
    assertThatThrownBy(() -> SecretCredentials.read(secret(Map.of("accessKey", "AKTEAM", "secretKey",
        "\"sk team\"")), "team/keys", Optional.empty()))
        .hasMessageContaining("key secretKey of Secret team/keys").hasMessageNotContaining("sk team");
    assertThatThrownBy(() -> SecretCredentials.read(secret(Map.of("accessKey", "AKTEAM", "secretKey", "sk",
        "securityToken", " ")), "team/keys", Optional.empty()))
        .hasMessageContaining("key securityToken of Secret team/keys is empty");
    // the MIME decoder skips what is not base64, as kubectl's line-wrapped values need: nothing left is empty
    Secret notBase64 = new SecretBuilder().withNewMetadata().withName("keys").endMetadata()
        .withData(Map.of("accessKey", "!!!", "secretKey", "c2s=")).build();
    assertThatThrownBy(() -> SecretCredentials.read(notBase64, "team/keys", Optional.empty()))
        .hasMessageContaining("key accessKey of Secret team/keys is empty");
  }
}
