package dev.operators.permissionset.identitycenter;

import java.util.Objects;
import java.util.Optional;

/**
 * An access key pair, with the session token of temporary credentials and, for clouds that scope calls to one,
 * the account's domain ID. {@link #toString()} never shows the secret parts.
 */
public record CloudCredentials(String accessKey, String secretKey, Optional<String> securityToken,
    Optional<String> domainId) {

  public CloudCredentials {
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(securityToken, "securityToken");
    Objects.requireNonNull(domainId, "domainId");
  }

  public static CloudCredentials of(String accessKey, String secretKey) {
    return new CloudCredentials(accessKey, secretKey, Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    return "CloudCredentials{accessKey=<redacted>, secretKey=<redacted>, securityToken="
        + (securityToken.isPresent() ? "<redacted>" : "<none>") + ", domainId=" + domainId.orElse("<none>") + "}";
  }
}
