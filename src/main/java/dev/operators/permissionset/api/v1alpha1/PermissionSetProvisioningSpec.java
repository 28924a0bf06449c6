package dev.operators.permissionset.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.permissionSetId) != has(self.permissionSetName)",
    message = "set exactly one of spec.permissionSetId and spec.permissionSetName")
// one rule per direction, with the operator's own messages; neither fires for a targetType the enum rejects
@ValidationRule(value = "has(self.targetId) || (has(self.targetType) && self.targetType != 'ACCOUNT')",
    message = "spec.targetId is required when spec.targetType is ACCOUNT; set it to the account ID")
@ValidationRule(
    value = "!(has(self.targetId) && has(self.targetType) && self.targetType == 'ALL_PROVISIONED_ACCOUNTS')",
    message = "spec.targetId must be omitted when spec.targetType is ALL_PROVISIONED_ACCOUNTS")
public class PermissionSetProvisioningSpec {

  public static final String ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]*$";
  public static final String AWS_INSTANCE_ARN = "arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{16}";
  public static final String AWS_PERMISSION_SET_ARN =
      "arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9.-]{16}/ps-[a-zA-Z0-9./-]{16}";
  public static final String AWS_ACCOUNT_ID = "^[0-9]{12}$";
  /** A Huawei ID or an AWS ARN: the CRD cannot know the connection's cloud, the operator checks against it. */
  public static final String INSTANCE_PATTERN = "^([A-Za-z0-9][A-Za-z0-9_-]{0,63}|" + AWS_INSTANCE_ARN + ")$";
  public static final String PERMISSION_SET_PATTERN =
      "^([A-Za-z0-9][A-Za-z0-9_-]{0,63}|" + AWS_PERMISSION_SET_ARN + ")$";
  public static final int ARN_MAX_LENGTH = 128;

  @Required
  @Size(min = 1, max = ARN_MAX_LENGTH)
  @Pattern(INSTANCE_PATTERN)
  @ValidationRule(value = "self == oldSelf", message = "spec.instanceId is immutable; create a new resource instead")
  @JsonPropertyDescription("The IAM Identity Center instance: on Huawei Cloud its ID, for example "
      + "ins-6c7aaaaaaaaa0a46; on AWS its ARN, for example arn:aws:sso:::instance/ssoins-1234567890abcdef. "
      + "Immutable.")
  private String instanceId;

  @Size(min = 1, max = ARN_MAX_LENGTH)
  @Pattern(PERMISSION_SET_PATTERN)
  @JsonPropertyDescription("The permission set to provision: on Huawei Cloud its ID, for example "
      + "ps-8603aaaaaaaa14bd; on AWS its ARN, for example "
      + "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef. "
      + "Set exactly one of permissionSetId and permissionSetName.")
  private String permissionSetId;

  @Size(min = 1, max = 32)
  @JsonPropertyDescription("Name of the permission set to provision, resolved to its ID through the instance's "
      + "list of permission sets (exact, case-sensitive match). Set exactly one of permissionSetId and permissionSetName.")
  private String permissionSetName;

  @Default("ACCOUNT")
  @JsonPropertyDescription("ACCOUNT provisions to the account in targetId. ALL_PROVISIONED_ACCOUNTS re-provisions "
      + "the permission set to every account it is already provisioned to. Default ACCOUNT.")
  private TargetType targetType;

  @Size(min = 1, max = 64)
  @Pattern(ID_PATTERN)
  @JsonPropertyDescription("ID of the account to provision to (on AWS, the 12-digit account ID). Required when "
      + "targetType is ACCOUNT, forbidden when it is ALL_PROVISIONED_ACCOUNTS.")
  private String targetId;

  @Default("Manual")
  @JsonPropertyDescription("What the operator does when the permission set changed after it was provisioned and "
      + "the target holds an out-of-date copy (drift): Manual (default) reports it in the UpToDate condition; "
      + "Automatic also provisions again, once for each drift. Either way, the annotation "
      + "identitycenter.operators.dev/reprovision-requested-at provisions again on request.")
  private ReprovisionPolicy reprovisionPolicy;

  @JsonPropertyDescription("The connection to reach the cloud through: an IdentityCenterConnection in this "
      + "namespace, or a ClusterIdentityCenterConnection that admits this namespace. When omitted, the "
      + "ClusterIdentityCenterConnection named default, if it admits this namespace.")
  private ConnectionReference connectionRef;

  public String getInstanceId() {
    return instanceId;
  }

  public void setInstanceId(String instanceId) {
    this.instanceId = instanceId;
  }

  public String getPermissionSetId() {
    return permissionSetId;
  }

  public void setPermissionSetId(String permissionSetId) {
    this.permissionSetId = permissionSetId;
  }

  public String getPermissionSetName() {
    return permissionSetName;
  }

  public void setPermissionSetName(String permissionSetName) {
    this.permissionSetName = permissionSetName;
  }

  public TargetType getTargetType() {
    return targetType;
  }

  public void setTargetType(TargetType targetType) {
    this.targetType = targetType;
  }

  /** The target type with the schema's default applied, for resources that bypassed defaulting. */
  public TargetType effectiveTargetType() {
    return targetType == null ? TargetType.ACCOUNT : targetType;
  }

  public String getTargetId() {
    return targetId;
  }

  public void setTargetId(String targetId) {
    this.targetId = targetId;
  }

  public ReprovisionPolicy getReprovisionPolicy() {
    return reprovisionPolicy;
  }

  public void setReprovisionPolicy(ReprovisionPolicy reprovisionPolicy) {
    this.reprovisionPolicy = reprovisionPolicy;
  }

  /** The policy with the schema's default applied, for resources that bypassed defaulting. */
  public ReprovisionPolicy effectiveReprovisionPolicy() {
    return reprovisionPolicy == null ? ReprovisionPolicy.Manual : reprovisionPolicy;
  }

  public ConnectionReference getConnectionRef() {
    return connectionRef;
  }

  public void setConnectionRef(ConnectionReference connectionRef) {
    this.connectionRef = connectionRef;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PermissionSetProvisioningSpec other
        && Objects.equals(instanceId, other.instanceId)
        && Objects.equals(permissionSetId, other.permissionSetId)
        && Objects.equals(permissionSetName, other.permissionSetName)
        && targetType == other.targetType
        && Objects.equals(targetId, other.targetId)
        && reprovisionPolicy == other.reprovisionPolicy
        && Objects.equals(connectionRef, other.connectionRef);
  }

  @Override
  public int hashCode() {
    return Objects.hash(instanceId, permissionSetId, permissionSetName, targetType, targetId, reprovisionPolicy,
        connectionRef);
  }

  @Override
  public String toString() {
    return "PermissionSetProvisioningSpec{instanceId=" + instanceId + ", permissionSetId=" + permissionSetId
        + ", permissionSetName=" + permissionSetName + ", targetType=" + targetType + ", targetId=" + targetId
        + ", reprovisionPolicy=" + reprovisionPolicy + ", connectionRef=" + connectionRef + "}";
  }
}
