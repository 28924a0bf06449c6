package dev.operators.permissionset.identitycenter;

/** Makes clients for an endpoint and a set of credentials; clients share the factory's connection pool. */
@FunctionalInterface
public interface IdentityCenterClientFactory {

  /**
   * A client for the endpoint that signs with the credentials.
   *
   * @throws IllegalArgumentException when the endpoint's CA bundle cannot be trusted
   */
  IdentityCenterClient forConnection(CloudEndpoint endpoint, CloudCredentials credentials);
}
