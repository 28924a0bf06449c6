package dev.operators.permissionset.identitycenter;

/**
 * Whether an account a permission set is provisioned to holds its latest version. A permission set changed after it
 * was provisioned (a policy attached, an inline policy edited) leaves every account holding the older copy until it
 * is provisioned again; both clouds spell these the same.
 */
public enum AccountProvisioningStatus {
  LATEST_PERMISSION_SET_PROVISIONED,
  LATEST_PERMISSION_SET_NOT_PROVISIONED
}
