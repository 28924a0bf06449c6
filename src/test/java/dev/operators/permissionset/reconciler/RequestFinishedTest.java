package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PendingProvision;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.Provisionings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When the tracker sees a request finish, its resource gives up the permission set's turn, unless the resource went
 * on to another provisioning in the meantime (a value of the reprovision annotation right after a FAILED request):
 * it holds the turn for that one. Found by the chaos test, which saw two provisionings of one permission set in
 * flight when the tracker's late word of the first request took the turn from the second.
 */
class RequestFinishedTest {

  private static final String UID = "uid-1";

  private static Optional<PermissionSetProvisioning> cached(String uid, String requestId, boolean intent) {
    PermissionSetProvisioning resource = Provisionings.toAccount("readonly", DemoWorld.READ_ONLY, DemoWorld.PAYMENTS);
    resource.getMetadata().setUid(uid);
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    status.setRequestId(requestId);
    if (intent) {
      status.setPendingProvision(new PendingProvision(1L, "2026-12-02T00:00:00Z", DemoWorld.READ_ONLY,
          DemoWorld.PAYMENTS));
    }
    resource.setStatus(status);
    return Optional.of(resource);
  }

  @Test
  void aResourceStillOnTheFinishedRequestGivesUpItsTurn() {
    assertThat(PermissionSetProvisioningReconciler.movedOn(cached(UID, "req-1", false), UID, "req-1")).isFalse();
  }

  @Test
  void aResourceWithANewIntentKeepsTheTurnForIt() {
    assertThat(PermissionSetProvisioningReconciler.movedOn(cached(UID, "req-1", true), UID, "req-1")).isTrue();
  }

  @Test
  void aResourceWithANewerRequestKeepsTheTurnForIt() {
    assertThat(PermissionSetProvisioningReconciler.movedOn(cached(UID, "req-2", false), UID, "req-1")).isTrue();
  }

  @Test
  void aDeletedResourceOrOneCreatedAgainUnderItsNameGivesItUp() {
    assertThat(PermissionSetProvisioningReconciler.movedOn(Optional.empty(), UID, "req-1")).isFalse();
    assertThat(PermissionSetProvisioningReconciler.movedOn(cached("uid-2", null, true), UID, "req-1")).isFalse();
  }
}
