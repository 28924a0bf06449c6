package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** AWS IAM Identity Center (the SSO Admin API), and whom to call it as. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AwsConnection {

  public static final String REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";
  public static final String ROLE_ARN_PATTERN = "^arn:aws(-[a-z]{1,5}){0,3}:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$";
  /** STS's own constraint on an external ID. */
  public static final String EXTERNAL_ID_PATTERN = "^[\\w+=,.@:/-]+$";

  @Required
  @Pattern(REGION_PATTERN)
  @JsonPropertyDescription("The Identity Center instance's home region, for example eu-west-1: calls go to "
      + "https://sso.<region>.amazonaws.com and are signed for it.")
  private String region;

  @Pattern("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")
  @JsonPropertyDescription("Another endpoint for the SSO Admin API, such as a VPC endpoint or a FIPS endpoint, "
      + "https. Default https://sso.<region>.amazonaws.com. Plain http only with allowInsecureHttp.")
  private String endpoint;

  @JsonPropertyDescription("Allow an http endpoint: for simulators and tests only, as requests then cross the "
      + "network in the clear. The operator records a Warning event on the connection.")
  private Boolean allowInsecureHttp;

  @JsonPropertyDescription("PEM certificates to trust besides the JVM's, for a private endpoint or a "
      + "TLS-inspecting proxy.")
  private String caBundle;

  @JsonPropertyDescription("The Secret with an access key pair (accessKey, secretKey, optionally securityToken). "
      + "Required on an IdentityCenterConnection. When omitted on a ClusterIdentityCenterConnection, the operator "
      + "calls AWS as itself: the AWS identity of its pod (IRSA or EKS Pod Identity).")
  private SecretReference credentialsSecretRef;

  @Pattern(ROLE_ARN_PATTERN)
  @JsonPropertyDescription("An IAM role to assume with those credentials, for example "
      + "arn:aws:iam::111122223333:role/identity-center-provisioner; the session is refreshed before it expires.")
  private String roleArn;

  @Size(min = 2, max = 1224)
  @Pattern(EXTERNAL_ID_PATTERN)
  @JsonPropertyDescription("The external ID the role's trust policy asks for. Only with roleArn.")
  private String externalId;

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  /** The endpoint, or the region's public one when the spec names none. */
  public String effectiveEndpoint() {
    return endpoint == null ? "https://sso." + region + ".amazonaws.com" : endpoint;
  }

  public Boolean getAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  public void setAllowInsecureHttp(Boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  public String getCaBundle() {
    return caBundle;
  }

  public void setCaBundle(String caBundle) {
    this.caBundle = caBundle;
  }

  public SecretReference getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(SecretReference credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getExternalId() {
    return externalId;
  }

  public void setExternalId(String externalId) {
    this.externalId = externalId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AwsConnection other && Objects.equals(region, other.region)
        && Objects.equals(endpoint, other.endpoint) && Objects.equals(allowInsecureHttp, other.allowInsecureHttp)
        && Objects.equals(caBundle, other.caBundle) && Objects.equals(credentialsSecretRef, other.credentialsSecretRef)
        && Objects.equals(roleArn, other.roleArn) && Objects.equals(externalId, other.externalId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(region, endpoint, allowInsecureHttp, caBundle, credentialsSecretRef, roleArn, externalId);
  }
}
