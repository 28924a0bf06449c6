package dev.operators.permissionset.identitycenter;

/** Makes clients for the connections' clouds; clients share the factory's connection pool. */
public interface IdentityCenterClientFactory {

  /**
   * A client that calls the cloud as the access says: cheap, so it may be asked for on every reconcile.
   *
   * @throws IllegalArgumentException when the endpoint's CA bundle cannot be trusted
   */
  IdentityCenterClient forConnection(CloudAccess access);

  /**
   * No connection reaches the cloud this way any more: what the factory keeps for it (an assumed role's session,
   * refreshed in the background) is closed. A later {@link #forConnection} makes it again.
   */
  default void release(CloudAccess access) {
  }
}
