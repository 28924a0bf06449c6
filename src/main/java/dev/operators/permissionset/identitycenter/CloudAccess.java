package dev.operators.permissionset.identitycenter;

import java.util.Objects;
import java.util.Optional;

/**
 * How to reach one cloud's Identity Center and whom to call it as: what a Ready connection resolves to. Equal
 * values reach the same place the same way, so clients and credential providers may be shared between them.
 */
public sealed interface CloudAccess {

  /** Where the calls go, and which servers are trusted there. */
  CloudEndpoint endpoint();

  /** Huawei Cloud: an access key pair, with the domain ID the calls are scoped to. */
  record Huawei(CloudEndpoint endpoint, CloudCredentials credentials) implements CloudAccess {

    public Huawei {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(credentials, "credentials");
    }
  }

  /**
   * AWS.
   *
   * @param region the instance's home region, which SigV4 signs for
   * @param keys the access key pair (and session token) of the connection's Secret; when empty, the operator's own
   *     AWS identity through the SDK's default chain (IRSA web identity, EKS Pod Identity, environment)
   * @param role a role to assume with those credentials, refreshed before it expires
   */
  record Aws(CloudEndpoint endpoint, String region, Optional<CloudCredentials> keys, Optional<AssumedRole> role)
      implements CloudAccess {

    public Aws {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(role, "role");
    }
  }

  /**
   * An IAM role assumed through STS.
   *
   * @param externalId the external ID the role's trust policy asks for, if any
   * @param sessionName the session name CloudTrail shows for the calls, which names the connection
   */
  record AssumedRole(String roleArn, Optional<String> externalId, String sessionName) {

    public AssumedRole {
      Objects.requireNonNull(roleArn, "roleArn");
      Objects.requireNonNull(externalId, "externalId");
      Objects.requireNonNull(sessionName, "sessionName");
    }
  }
}
