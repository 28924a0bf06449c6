package dev.operators.permissionset.connection;

import dev.operators.permissionset.identitycenter.CloudCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an access key pair from a credentials Secret. Problems name the Secret and the key, never a value.
 */
public final class SecretCredentials {

  public static final String ACCESS_KEY = "accessKey";
  public static final String SECRET_KEY = "secretKey";
  public static final String SECURITY_TOKEN = "securityToken";
  /** The label a Secret must carry for the operator to see it: it watches no other Secret. */
  public static final String LABEL = "identitycenter.operators.dev/credentials";
  public static final String LABEL_VALUE = "true";

  private SecretCredentials() {
  }

  /**
   * @param secretName the Secret as namespace/name, for messages
   * @param domainId the connection's domain ID, sent with every call
   * @throws CredentialsException naming the Secret and the key that is missing or malformed
   */
  public static CloudCredentials read(Secret secret, String secretName, Optional<String> domainId) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    return new CloudCredentials(
        required(data, secretName, ACCESS_KEY),
        required(data, secretName, SECRET_KEY),
        optional(data, secretName, SECURITY_TOKEN),
        domainId);
  }

  private static String required(Map<String, String> data, String secretName, String key) {
    return optional(data, secretName, key).orElseThrow(() -> new CredentialsException(
        "Secret " + secretName + " has no key " + key + "; add it"));
  }

  private static Optional<String> optional(Map<String, String> data, String secretName, String key) {
    String encoded = data.get(key);
    if (encoded == null) {
      return Optional.empty();
    }
    String value;
    try {
      value = new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
    } catch (IllegalArgumentException e) {
      throw new CredentialsException("key " + key + " of Secret " + secretName + " is not valid base64");
    }
    if (value.isEmpty()) {
      throw new CredentialsException("key " + key + " of Secret " + secretName + " is empty; set it or remove it");
    }
    if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new CredentialsException("key " + key + " of Secret " + secretName + " holds spaces or characters "
          + "that cannot be sent in an HTTP header; store the value alone, with no quotes or line breaks");
    }
    return Optional.of(value);
  }
}
