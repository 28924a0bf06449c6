package dev.operators.permissionset.connection;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
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

  private ConnectionValidator() {
  }

  /** @param clusterScoped whether the connection is a ClusterIdentityCenterConnection */
  public static Optional<String> problem(IdentityCenterConnectionSpec spec, boolean clusterScoped) {
    if (spec == null || spec.getHuaweiCloud() == null) {
      return Optional.of("set exactly one cloud block: spec.huaweiCloud");
    }
    AllowedNamespaces allowed = spec.getAllowedNamespaces();
    if (!clusterScoped && allowed != null && (!allowed.getNames().isEmpty() || allowed.getSelector() != null)) {
      return Optional.of("spec.allowedNamespaces applies to a ClusterIdentityCenterConnection only; remove it: an "
          + "IdentityCenterConnection serves the resources of its own namespace");
    }
    HuaweiCloudConnection huawei = spec.getHuaweiCloud();
    Optional<String> endpoint = endpointProblem(huawei);
    if (endpoint.isPresent()) {
      return endpoint;
    }
    SecretReference secret = huawei.getCredentialsSecretRef();
    if (secret == null || secret.getName() == null) {
      return Optional.of("spec.huaweiCloud.credentialsSecretRef.name is required; name the Secret that holds "
          + "accessKey and secretKey");
    }
    if (!SECRET_NAME.matcher(secret.getName()).matches()) {
      return Optional.of("spec.huaweiCloud.credentialsSecretRef.name '" + shown(secret.getName()) + "' is not a "
          + "Secret name: use lower-case letters, digits, '-' and '.'");
    }
    return Optional.empty();
  }

  private static Optional<String> endpointProblem(HuaweiCloudConnection huawei) {
    String endpoint = huawei.effectiveEndpoint();
    URI url;
    try {
      url = new URI(endpoint);
    } catch (URISyntaxException e) {
      return Optional.of("spec.huaweiCloud.endpoint '" + shown(endpoint) + "' is not a URL; for example "
          + HuaweiCloudConnection.DEFAULT_ENDPOINT);
    }
    if (url.getHost() == null || url.getScheme() == null) {
      return Optional.of("spec.huaweiCloud.endpoint '" + shown(endpoint) + "' needs a scheme and a host; for example "
          + HuaweiCloudConnection.DEFAULT_ENDPOINT);
    }
    if ("http".equalsIgnoreCase(url.getScheme()) && !Boolean.TRUE.equals(huawei.getAllowInsecureHttp())) {
      return Optional.of("spec.huaweiCloud.endpoint '" + shown(endpoint) + "' is plain http, which would send "
          + "the credentials' signatures and the requests in the clear: use https, or set "
          + "spec.huaweiCloud.allowInsecureHttp: true for a simulator");
    }
    if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
      return Optional.of("spec.huaweiCloud.endpoint '" + shown(endpoint) + "' must be an https URL");
    }
    return Optional.empty();
  }

  private static String shown(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
