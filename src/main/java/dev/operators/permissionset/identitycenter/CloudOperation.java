package dev.operators.permissionset.identitycenter;

/**
 * The Identity Center operations the clients call, named as both clouds' APIs name them: the operation of an
 * {@link IdentityCenterException}, in messages and logs.
 */
public final class CloudOperation {

  public static final String PROVISION = "ProvisionPermissionSet";
  public static final String DESCRIBE_PROVISIONING = "DescribePermissionSetProvisioningStatus";
  public static final String LIST_PROVISIONING = "ListPermissionSetProvisioningStatus";
  public static final String LIST_PERMISSION_SETS = "ListPermissionSets";
  public static final String DESCRIBE_PERMISSION_SET = "DescribePermissionSet";
  public static final String LIST_ACCOUNTS = "ListAccountsForProvisionedPermissionSet";
  public static final String LIST_INSTANCES = "ListInstances";

  private CloudOperation() {
  }
}
