package dev.operators.permissionset.testing;

import static dev.operators.permissionset.identitycenter.AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED;
import static dev.operators.permissionset.identitycenter.AccountProvisioningStatus.LATEST_PERMISSION_SET_PROVISIONED;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fake's drift, which reconciler tests rely on to be the simulator's. */
class FakeIdentityCenterTest {

  private final FakeIdentityCenter cloud = new FakeIdentityCenter();

  private List<String> accounts(Optional<AccountProvisioningStatus> status) {
    return cloud.listAccountsForProvisionedPermissionSet(INSTANCE, READ_ONLY, status, Optional.empty()).items();
  }

  @Test
  void aMarkedAccountIsOutOfDateUntilALaterProvisioningToItSucceeds() {
    cloud.onProvision(status(ProvisioningStatus.SUCCEEDED));
    cloud.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS));
    String inFlight = cloud.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX)).requestId();

    cloud.outOfDate(READ_ONLY, PAYMENTS, SANDBOX);
    cloud.finish(inFlight, ProvisioningStatus.SUCCEEDED);

    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_NOT_PROVISIONED))).containsExactly(PAYMENTS, SANDBOX);
    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_PROVISIONED))).isEmpty();

    String failed = cloud.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS)).requestId();
    cloud.fail(failed, "suspended");
    String repaired = cloud.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(SANDBOX)).requestId();
    cloud.finish(repaired, ProvisioningStatus.SUCCEEDED);

    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_NOT_PROVISIONED))).containsExactly(PAYMENTS);
    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_PROVISIONED))).containsExactly(SANDBOX);
    assertThat(accounts(Optional.empty())).containsExactly(PAYMENTS, SANDBOX);
    assertThat(cloud.accountListings()).hasSize(5).allSatisfy(listing -> {
      assertThat(listing.instanceId()).isEqualTo(INSTANCE);
      assertThat(listing.permissionSetId()).isEqualTo(READ_ONLY);
    });
  }

  @Test
  void aSucceededProvisioningToAllAccountsBringsEveryMarkedAccountUpToDate() {
    cloud.outOfDate(READ_ONLY, PAYMENTS, SANDBOX);

    String all = cloud.provision(INSTANCE, READ_ONLY, ProvisioningTarget.allProvisionedAccounts()).requestId();
    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_NOT_PROVISIONED))).containsExactly(PAYMENTS, SANDBOX);
    cloud.finish(all, ProvisioningStatus.SUCCEEDED);

    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_NOT_PROVISIONED))).isEmpty();
    assertThat(accounts(Optional.of(LATEST_PERMISSION_SET_PROVISIONED))).containsExactly(PAYMENTS, SANDBOX);
  }
}
