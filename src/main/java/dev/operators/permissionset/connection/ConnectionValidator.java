package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks of a connection's spec that the CRD cannot make, or that a resource may have bypassed. Each problem
 * names the field and the fix.
 */
public final class ConnectionValidator {

  private static final Pattern SECRET_NAME = Pattern.compile(SecretReference.NAME_PATTERN);
  private static final Pattern REGION = Pattern.compile(AwsConnection.REGION_PATTERN);
  private static final Pattern ROLE_ARN = Pattern.compile(AwsConnection.ROLE_ARN_PATTERN);
  private static final Pattern EXTERNAL_ID = Pattern.compile(AwsConnection.EXTERNAL_ID_PATTERN);
  private static final String ONE_BLOCK = "set exactly one cloud block: spec.huaweiCloud or spec.aws";

  private ConnectionValidator() {
  }

  /** @param clusterScoped whether the connection is a ClusterIdentityCenterConnection */
  public static Optional<String> problem(IdentityCenterConnectionSpec spec, boolean clusterScoped) {
    Optional<CloudBlock> cloud = CloudBlock.of(spec);
    if (cloud.isEmpty() || spec.getHuaweiCloud() != null && spec.getAws() != null) {
      return Optional.of(ONE_BLOCK);
    }
    AllowedNamespaces allowed = spec.getAllowedNamespaces();
    if (!clusterScoped && allowed != null && (!allowed.getNames().isEmpty() || allowed.getSelector() != null)) {
      return Optional.of("spec.allowedNamespaces applies to a ClusterIdentityCenterConnection only; remove it: an "
          + "IdentityCenterConnection serves the resources of its own namespace");
    }
    CloudBlock block = cloud.get();
    Optional<String> endpoint = endpointProblem(block);
    if (endpoint.isPresent()) {
      return endpoint;
    }
    if (spec.getAws() != null) {
      Optional<String> aws = awsProblem(spec.getAws(), clusterScoped);
      if (aws.isPresent()) {
        return aws;
      }
    }
    if (block.secret().isEmpty()) {
      return spec.getAws() != null ? Optional.empty() : Optional.of(block.field() + ".credentialsSecretRef.name is "
          + "required; name the Secret that holds accessKey and secretKey");
    }
    String secretName = block.secret().get().getName();
    if (secretName == null) {
      return Optional.of(block.field() + ".credentialsSecretRef.name is required; name the Secret that holds "
          + "accessKey and secretKey");
    }
    if (!SECRET_NAME.matcher(secretName).matches()) {
      return Optional.of(block.field() + ".credentialsSecretRef.name '" + shown(secretName) + "' is not a "
          + "Secret name: use lower-case letters, digits, '-' and '.'");
    }
    return Optional.empty();
  }

  private static Optional<String> awsProblem(AwsConnection aws, boolean clusterScoped) {
    if (aws.getRegion() == null || !REGION.matcher(aws.getRegion()).matches()) {
      return Optional.of("spec.aws.region " + (aws.getRegion() == null ? "is required"
          : "'" + shown(aws.getRegion()) + "' is not an AWS region") + "; set the instance's home region, such as "
          + "eu-west-1");
    }
    if (!clusterScoped && aws.getCredentialsSecretRef() == null) {
      return Optional.of("spec.aws.credentialsSecretRef is required on an IdentityCenterConnection; only a "
          + "ClusterIdentityCenterConnection may call AWS as the operator's own identity");
    }
    if (aws.getRoleArn() != null && !ROLE_ARN.matcher(aws.getRoleArn()).matches()) {
      return Optional.of("spec.aws.roleArn '" + shown(aws.getRoleArn()) + "' is not an IAM role ARN; for example "
          + "arn:aws:iam::111122223333:role/identity-center-provisioner");
    }
    if (aws.getExternalId() != null && aws.getRoleArn() == null) {
      return Optional.of("spec.aws.externalId is only sent when assuming a role: set spec.aws.roleArn, or remove "
          + "externalId");
    }
    if (aws.getExternalId() != null && (aws.getExternalId().length() < 2 || aws.getExternalId().length() > 1224
        || !EXTERNAL_ID.matcher(aws.getExternalId()).matches())) {
      return Optional.of("spec.aws.externalId must be 2 to 1224 letters, digits or +=,.@:/-");
    }
    return Optional.empty();
  }

  private static Optional<String> endpointProblem(CloudBlock block) {
    String endpoint = block.endpoint();
    String field = block.field() + ".endpoint";
    URI url;
    try {
      url = new URI(endpoint);
    } catch (URISyntaxException e) {
      return Optional.of(field + " '" + shown(endpoint) + "' is not a URL; for example https://host.example.com");
    }
    if (url.getHost() == null || url.getScheme() == null) {
      return Optional.of(field + " '" + shown(endpoint) + "' needs a scheme and a host; for example "
          + "https://host.example.com");
    }
    if ("http".equalsIgnoreCase(url.getScheme()) && !block.insecureHttpAllowed()) {
      return Optional.of(field + " '" + shown(endpoint) + "' is plain http, which would send the credentials' "
          + "signatures and the requests in the clear: use https, or set " + block.field()
          + ".allowInsecureHttp: true for a simulator");
    }
    if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
      return Optional.of(field + " '" + shown(endpoint) + "' must be an https URL");
    }
    return Optional.empty();
  }

  private static String shown(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
