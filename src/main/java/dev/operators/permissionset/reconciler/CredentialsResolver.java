package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials a resource uses: the Secret its spec names, in its own namespace, or the operator's
 * defaults. Problems name the Secret and the key, never a value.
 */
public class CredentialsResolver {

  public static final String ACCESS_KEY = "accessKey";
  public static final String SECRET_KEY = "secretKey";
  public static final String SECURITY_TOKEN = "securityToken";
  public static final String DOMAIN_ID = "domainId";

  private final KubernetesClient kubernetes;
  private final Optional<CloudCredentials> defaults;

  public CredentialsResolver(KubernetesClient kubernetes, Optional<CloudCredentials> defaults) {
    this.kubernetes = kubernetes;
    this.defaults = defaults;
  }

  public CloudCredentials resolve(PermissionSetProvisioning resource) {
    SecretReference reference = resource.getSpec().getCredentialsSecretRef();
    if (reference == null) {
      return defaults.orElseThrow(() -> new CredentialsException("spec.credentialsSecretRef is not set and the "
          + "operator has no default credentials; name a Secret in spec.credentialsSecretRef or configure the "
          + "operator's default credentials"));
    }
    String namespace = resource.getMetadata().getNamespace();
    String secretName = namespace + "/" + reference.getName();
    Secret secret;
    try {
      secret = kubernetes.secrets().inNamespace(namespace).withName(reference.getName()).get();
    } catch (KubernetesClientException e) {
      throw new CredentialsException("cannot read Secret " + secretName + " (HTTP " + e.getCode()
          + "); check that it exists and that the operator may read it");
    }
    if (secret == null) {
      throw new CredentialsException("Secret " + secretName + " named in spec.credentialsSecretRef does not exist; "
          + "create it with the keys " + ACCESS_KEY + " and " + SECRET_KEY);
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    return new CloudCredentials(
        required(data, secretName, ACCESS_KEY),
        required(data, secretName, SECRET_KEY),
        optional(data, secretName, SECURITY_TOKEN),
        optional(data, secretName, DOMAIN_ID));
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
