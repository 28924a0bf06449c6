package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** Which cloud a connection reaches, with which credentials, and (cluster-scoped) who may use it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.huaweiCloud), has(self.aws)].filter(x, x).size() == 1",
    message = "set exactly one cloud block: spec.huaweiCloud or spec.aws")
@ValidationRule(value = "!has(self.aws) || !has(self.aws.externalId) || has(self.aws.roleArn)",
    message = "spec.aws.externalId is only sent when assuming a role: set spec.aws.roleArn, or remove externalId")
public class IdentityCenterConnectionSpec {

  @JsonPropertyDescription("Huawei Cloud IAM Identity Center.")
  private HuaweiCloudConnection huaweiCloud;

  @JsonPropertyDescription("AWS IAM Identity Center.")
  private AwsConnection aws;

  @JsonPropertyDescription("ClusterIdentityCenterConnection only: the namespaces whose resources may use it. "
      + "Admits no namespace when empty or absent. Not allowed on an IdentityCenterConnection, which serves its own "
      + "namespace only.")
  private AllowedNamespaces allowedNamespaces;

  public HuaweiCloudConnection getHuaweiCloud() {
    return huaweiCloud;
  }

  public void setHuaweiCloud(HuaweiCloudConnection huaweiCloud) {
    this.huaweiCloud = huaweiCloud;
  }

  public AwsConnection getAws() {
    return aws;
  }

  public void setAws(AwsConnection aws) {
    this.aws = aws;
  }

  public AllowedNamespaces getAllowedNamespaces() {
    return allowedNamespaces;
  }

  public void setAllowedNamespaces(AllowedNamespaces allowedNamespaces) {
    this.allowedNamespaces = allowedNamespaces;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityCenterConnectionSpec other && Objects.equals(huaweiCloud, other.huaweiCloud)
        && Objects.equals(aws, other.aws)
        && Objects.equals(allowedNamespaces, other.allowedNamespaces);
  }

  @Override
  public int hashCode() {
    return Objects.hash(huaweiCloud, aws, allowedNamespaces);
  }
}
