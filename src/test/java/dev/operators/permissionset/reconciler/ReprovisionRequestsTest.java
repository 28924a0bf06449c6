package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.Provisionings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ReprovisionRequestsTest {

  private static PermissionSetProvisioning stored() {
    PermissionSetProvisioning resource = Provisionings.toAccount("readonly", DemoWorld.READ_ONLY, DemoWorld.PAYMENTS);
    resource.getMetadata().setGeneration(3L);
    resource.getMetadata().setAnnotations(new HashMap<>(Map.of("team", "payments")));
    resource.getMetadata().setLabels(new HashMap<>(Map.of("tier", "prod")));
    return resource;
  }

  private static boolean wakes(Consumer<PermissionSetProvisioning> change) {
    PermissionSetProvisioning before = stored();
    PermissionSetProvisioning now = stored();
    change.accept(now);
    return ReprovisionRequests.newGenerationOrRequest(now, before);
  }

  @Test
  void aNewGenerationWakesTheReconciler() {
    assertThat(wakes(now -> now.getMetadata().setGeneration(4L))).isTrue();
  }

  @Test
  void aNewValueOfTheReprovisionAnnotationWakesIt() {
    assertThat(wakes(now -> now.getMetadata().getAnnotations()
        .put(PermissionSetProvisioning.REPROVISION_REQUESTED_AT, "1733100000"))).isTrue();
  }

  @Test
  void theStartOfTheDeletionWakesIt() {
    assertThat(wakes(now -> now.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z"))).isTrue();
  }

  @Test
  void statusLabelsAndOtherAnnotationsWakeNothing() {
    assertThat(wakes(now -> now.setStatus(new PermissionSetProvisioningStatus()))).isFalse();
    assertThat(wakes(now -> now.getMetadata().getLabels().put("tier", "dev"))).isFalse();
    assertThat(wakes(now -> now.getMetadata().getAnnotations().put("team", "billing"))).isFalse();
    assertThat(wakes(now -> now.getMetadata().setResourceVersion("99"))).isFalse();
  }
}
