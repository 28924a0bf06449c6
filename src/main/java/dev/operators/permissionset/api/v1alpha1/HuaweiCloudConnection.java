package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** Huawei Cloud IAM Identity Center, and the credentials to call it with. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HuaweiCloudConnection {

  public static final String DEFAULT_ENDPOINT = "https://identitycenter.myhuaweicloud.com";

  @Default(DEFAULT_ENDPOINT)
  @Pattern("^https?://[^\\s/?#]+(/[^\\s?#]*)?$")
  @JsonPropertyDescription("The Identity Center API, https, with an optional port and path. Default "
      + DEFAULT_ENDPOINT + ". Plain http only with allowInsecureHttp.")
  private String endpoint;

  @JsonPropertyDescription("Allow an http endpoint: for simulators and tests only, as credentials and requests then "
      + "cross the network in the clear. The operator records a Warning event on the connection.")
  private Boolean allowInsecureHttp;

  @Size(min = 1, max = 64)
  @JsonPropertyDescription("The account (domain) ID, sent as X-Domain-Id; needed by some global services.")
  private String domainId;

  @JsonPropertyDescription("PEM certificates to trust besides the JVM's, for a private endpoint or a "
      + "TLS-inspecting proxy.")
  private String caBundle;

  @Required
  @JsonPropertyDescription("The Secret with the access key pair.")
  private SecretReference credentialsSecretRef;

  public String getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  /** The endpoint, or the default when the spec leaves it out (and no API server defaulted it). */
  public String effectiveEndpoint() {
    return endpoint == null ? DEFAULT_ENDPOINT : endpoint;
  }

  public Boolean getAllowInsecureHttp() {
    return allowInsecureHttp;
  }

  public void setAllowInsecureHttp(Boolean allowInsecureHttp) {
    this.allowInsecureHttp = allowInsecureHttp;
  }

  public String getDomainId() {
    return domainId;
  }

  public void setDomainId(String domainId) {
    this.domainId = domainId;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof HuaweiCloudConnection other && Objects.equals(endpoint, other.endpoint)
        && Objects.equals(allowInsecureHttp, other.allowInsecureHttp) && Objects.equals(domainId, other.domainId)
        && Objects.equals(caBundle, other.caBundle) && Objects.equals(credentialsSecretRef, other.credentialsSecretRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, allowInsecureHttp, domainId, caBundle, credentialsSecretRef);
  }
}
