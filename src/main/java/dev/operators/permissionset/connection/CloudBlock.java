package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import java.net.URI;
import java.util.Optional;

/**
 * The one cloud block of a connection's spec, seen through what every cloud has: where its calls go and which Secret
 * holds its credentials. The checks and the controller read a connection through it, whichever cloud it reaches.
 *
 * @param field the block's path in the spec, for messages: {@code spec.huaweiCloud} or {@code spec.aws}
 * @param cloud the cloud's name, for messages
 * @param secret the credentials Secret; none when an AWS connection calls as the operator's own identity
 */
record CloudBlock(String field, String cloud, String endpoint, boolean insecureHttpAllowed,
    Optional<String> caBundle, Optional<SecretReference> secret) {

  /** The spec's cloud block, or empty when it has none. */
  static Optional<CloudBlock> of(IdentityCenterConnectionSpec spec) {
    if (spec == null) {
      return Optional.empty();
    }
    if (spec.getHuaweiCloud() != null) {
      HuaweiCloudConnection huawei = spec.getHuaweiCloud();
      return Optional.of(new CloudBlock("spec.huaweiCloud", "Huawei Cloud", huawei.effectiveEndpoint(),
          Boolean.TRUE.equals(huawei.getAllowInsecureHttp()), Optional.ofNullable(huawei.getCaBundle()),
          Optional.ofNullable(huawei.getCredentialsSecretRef())));
    }
    if (spec.getAws() != null) {
      AwsConnection aws = spec.getAws();
      return Optional.of(new CloudBlock("spec.aws", "AWS", aws.effectiveEndpoint(),
          Boolean.TRUE.equals(aws.getAllowInsecureHttp()), Optional.ofNullable(aws.getCaBundle()),
          Optional.ofNullable(aws.getCredentialsSecretRef())));
    }
    return Optional.empty();
  }

  /** Whether the endpoint is plain http, which the spec allowed. */
  boolean insecure() {
    return insecureHttpAllowed && endpoint.regionMatches(true, 0, "http:", 0, 5);
  }

  /**
   * How the connection reaches its cloud.
   *
   * @param credentials what the Secret holds, empty when the block names no Secret
   * @throws IllegalArgumentException naming the field of the block that is wrong
   */
  static CloudAccess access(IdentityCenterConnectionSpec spec, CloudBlock block,
      Optional<CloudCredentials> credentials, ConnectionKey key) {
    CloudEndpoint endpoint;
    try {
      endpoint = new CloudEndpoint(URI.create(block.endpoint()), block.caBundle(), block.insecureHttpAllowed());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(block.field() + "." + e.getMessage(), e);
    }
    if (spec.getHuaweiCloud() != null) {
      return new CloudAccess.Huawei(endpoint, credentials.orElseThrow());
    }
    AwsConnection aws = spec.getAws();
    Optional<CloudAccess.AssumedRole> role = Optional.ofNullable(aws.getRoleArn()).map(arn ->
        new CloudAccess.AssumedRole(arn, Optional.ofNullable(aws.getExternalId()), sessionName(key)));
    return new CloudAccess.Aws(endpoint, aws.getRegion(), credentials, role);
  }

  /** STS allows 2 to 64 characters of [\w+=,.@-]: the connection's kind is left out, its namespace and name kept. */
  static String sessionName(ConnectionKey key) {
    String name = ("permission-set-operator." + key.namespace().map(ns -> ns + ".").orElse("") + key.name())
        .replaceAll("[^\\w+=,.@-]", "-");
    return name.length() > 64 ? name.substring(0, 64) : name;
  }
}
