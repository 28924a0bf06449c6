package dev.operators.permissionset.identitycenter;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a connection reaches the cloud: the endpoint, the CA certificates to trust besides the JVM's, and whether
 * plain http was explicitly allowed.
 */
public record CloudEndpoint(URI url, Optional<String> caBundle, boolean insecureHttpAllowed) {

  public CloudEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(caBundle, "caBundle");
  }
}
