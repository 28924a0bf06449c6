package dev.operators.permissionset.identitycenter;

import java.util.Optional;

/**
 * What the operator needs from an IAM Identity Center, whichever cloud runs it. Every method makes real calls and
 * fails with {@link IdentityCenterException}, which says whether trying again can help.
 */
public interface IdentityCenterClient {

  /** Starts provisioning a permission set to a target; the cloud may answer with a request that already finished. */
  ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target);

  /** The current state of one provisioning request. */
  ProvisioningRequest describeProvisioning(String instanceId, String requestId);

  /**
   * One page of the instance's provisioning requests.
   *
   * @param status only requests in this status, or all when empty
   * @param marker the marker of the page to read, or empty for the first page
   */
  Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
      Optional<String> marker);

  /**
   * One page of the accounts the permission set is provisioned to; with
   * {@link AccountProvisioningStatus#LATEST_PERMISSION_SET_NOT_PROVISIONED}, only those holding an out-of-date copy,
   * which is how a change to the permission set after its provisioning shows.
   *
   * @param status only accounts in this status, or every account the set is provisioned to when empty
   * @param marker the marker of the page to read, or empty for the first page
   */
  Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status, Optional<String> marker);

  /** Finds a permission set by its exact (case-sensitive) name, reading every page the cloud returns. */
  Optional<PermissionSet> findPermissionSetByName(String instanceId, String name);

  /**
   * A cheap read-only call that proves the endpoint answers, and that the cloud accepts the credentials and allows
   * them to read its Identity Center; fails as the other calls do (AUTHENTICATION_FAILED on a rejected key pair,
   * ACCESS_DENIED when the key pair lacks the permission, UNAVAILABLE, SERVER_ERROR or THROTTLED otherwise).
   */
  void checkAccess();
}
