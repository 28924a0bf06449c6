package dev.operators.permissionset.connection;

/** What resources may do with a connection, as its last check found. */
public sealed interface ConnectionState {

  /** The cloud accepted the connection's credentials: resources may call it. */
  record Usable(ReadyConnection connection) implements ConnectionState {
  }

  /**
   * Resources may not call it.
   *
   * @param reason the connection's Ready reason
   * @param personMustAct nothing changes until someone fixes the connection, its Secret or the cloud's IAM
   */
  record Unusable(String reason, String message, boolean personMustAct) implements ConnectionState {
  }
}
