package dev.operators.permissionset.connection;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import java.util.Objects;

/**
 * A connection the cloud accepted: what a resource needs to call it. Its credentials never leave memory, and
 * {@link CloudCredentials#toString()} hides them.
 */
public record ReadyConnection(ConnectionKey key, CloudAccess access) {

  public ReadyConnection {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(access, "access");
  }
}
