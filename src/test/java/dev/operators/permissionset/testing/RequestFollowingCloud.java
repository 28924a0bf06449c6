package dev.operators.permissionset.testing;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.util.Optional;

/**
 * An Identity Center for code that only follows provisioning requests (lists and describes them): a provision, a
 * permission set look-up or a listing of accounts from it fails the test; it accepts any credentials.
 */
public interface RequestFollowingCloud extends IdentityCenterClient {

  @Override
  default ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
    throw new AssertionError("following requests never provisions, yet provisioned " + permissionSetId);
  }

  @Override
  default Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
    throw new AssertionError("following requests never looks up permission sets, yet looked up " + name);
  }

  @Override
  default Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
      Optional<AccountProvisioningStatus> status, Optional<String> marker) {
    throw new AssertionError("following requests never lists accounts, yet listed those of " + permissionSetId);
  }

  @Override
  default void checkAccess() {
  }
}
