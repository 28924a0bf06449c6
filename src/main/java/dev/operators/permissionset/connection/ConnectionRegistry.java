package dev.operators.permissionset.connection;

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

  void put(ConnectionKey key, ConnectionState state) {
    states.put(key, state);
  }

  void remove(ConnectionKey key) {
    states.remove(key);
  }

  /** Connections known: for tests of its bounds. */
  public int size() {
    return states.size();
  }
}
