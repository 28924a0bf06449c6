package dev.operators.permissionset.identitycenter;

/** Makes clients for a set of credentials; clients share the factory's connection pool. */
@FunctionalInterface
public interface IdentityCenterClientFactory {

  IdentityCenterClient forCredentials(CloudCredentials credentials);
}
