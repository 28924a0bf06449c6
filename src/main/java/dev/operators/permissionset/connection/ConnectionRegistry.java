package dev.operators.permissionset.connection;

import dev.operators.permissionset.identitycenter.CloudAccess;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every connection this process checked: written by the connection controllers, read by the
 * PermissionSetProvisioning controller. A connection not here has not been checked yet (or does not exist).
 * Entries go with their connection.
 */
public final class ConnectionRegistry {

  private final Map<ConnectionKey, ConnectionState> states = new ConcurrentHashMap<>();

  public Optional<ConnectionState> state(ConnectionKey key) {
    return Optional.ofNullable(states.get(key));
  }

  /** @return the access the connection was usable with before, when no connection is usable with it any more */
  synchronized Optional<CloudAccess> put(ConnectionKey key, ConnectionState state) {
    return unused(states.put(key, state));
  }

  /** @return as {@link #put} */
  synchronized Optional<CloudAccess> remove(ConnectionKey key) {
    return unused(states.remove(key));
  }

  private Optional<CloudAccess> unused(ConnectionState before) {
    return access(before).filter(access -> states.values().stream().map(ConnectionRegistry::access)
        .noneMatch(used -> used.equals(Optional.of(access))));
  }

  private static Optional<CloudAccess> access(ConnectionState state) {
    return state instanceof ConnectionState.Usable usable ? Optional.of(usable.connection().access())
        : Optional.empty();
  }

  /** Connections known: for tests of its bounds. */
  public int size() {
    return states.size();
  }
}
