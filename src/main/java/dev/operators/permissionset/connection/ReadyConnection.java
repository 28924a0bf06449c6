package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection the cloud accepted: what a resource needs to call it, and, for a cluster connection, who may.
 * Its credentials never leave memory; {@link #toString()} hides them.
 */
public record ReadyConnection(ConnectionKey key, CloudEndpoint endpoint, CloudCredentials credentials,
    Optional<AllowedNamespaces> allowedNamespaces) {

  public ReadyConnection {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(allowedNamespaces, "allowedNamespaces");
  }
}
