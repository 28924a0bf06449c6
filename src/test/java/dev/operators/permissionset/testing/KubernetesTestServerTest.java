package dev.operators.permissionset.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mock API keeps the contracts of a real API server that the operator's exactly-once protocol rests on. */
class KubernetesTestServerTest {

  private static final String NAME = "locked";
  private static final String CONFLICT_MESSAGE = "Operation cannot be fulfilled on "
      + "permissionsetprovisionings.identitycenter.operators.dev \"" + NAME + "\": the object has been modified; "
      + "please apply your changes to the latest version and try again";

  private KubernetesTestServer kubernetes;
  private Resource<PermissionSetProvisioning> resource;

  @BeforeEach
  void start() {
    kubernetes = KubernetesTestServer.start();
    kubernetes.client().resource(Provisionings.toAccount(NAME, DemoWorld.READ_ONLY, DemoWorld.PAYMENTS)).create();
    resource = kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(DemoWorld.NAMESPACE)
        .withName(NAME);
  }

  @AfterEach
  void stop() {
    kubernetes.close();
  }

  private static PermissionSetProvisioning withFailureReason(PermissionSetProvisioning read, String reason) {
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    status.setFailureReason(reason);
    read.setStatus(status);
    return read;
  }

  @Test
  void aStatusUpdateFromAStaleReadIsAConflictAndChangesNothing() {
    PermissionSetProvisioning stale = resource.get();
    kubernetes.client().resource(withFailureReason(resource.get(), "first")).updateStatus();
    String current = resource.get().getMetadata().getResourceVersion();

    assertThatThrownBy(() -> kubernetes.client().resource(withFailureReason(stale, "stale")).updateStatus())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
          assertThat(e.getStatus().getMessage()).isEqualTo(CONFLICT_MESSAGE);
        });
    assertThat(resource.get().getStatus().getFailureReason()).isEqualTo("first");
    assertThat(resource.get().getMetadata().getResourceVersion()).isEqualTo(current);
    assertThat(kubernetes.conflicts()).isEqualTo(1);
  }

  @Test
  void aStatusUpdateFromTheLatestReadWritesOnlyTheStatusAndBumpsTheResourceVersion() {
    PermissionSetProvisioning read = resource.get();
    read.getSpec().setTargetId(DemoWorld.ANALYTICS);

    PermissionSetProvisioning written = kubernetes.client().resource(withFailureReason(read, "fresh")).updateStatus();

    PermissionSetProvisioning stored = resource.get();
    assertThat(stored.getStatus().getFailureReason()).isEqualTo("fresh");
    assertThat(stored.getSpec().getTargetId()).as("the spec of a status update is ignored")
        .isEqualTo(DemoWorld.PAYMENTS);
    assertThat(Long.parseLong(stored.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(read.getMetadata().getResourceVersion()));
    assertThat(written.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void aSpecUpdateFromAStaleReadIsAConflict() {
    PermissionSetProvisioning stale = resource.get();
    kubernetes.client().resource(withFailureReason(resource.get(), "first")).updateStatus();
    stale.getSpec().setTargetId(DemoWorld.ANALYTICS);

    assertThatThrownBy(() -> kubernetes.client().resource(stale).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getMessage()).isEqualTo(CONFLICT_MESSAGE);
        });
    assertThat(resource.get().getSpec().getTargetId()).isEqualTo(DemoWorld.PAYMENTS);
  }

  @Test
  void aPatchIsAConflictOnlyWhenItCarriesAStaleResourceVersion() {
    String stale = resource.get().getMetadata().getResourceVersion();
    kubernetes.client().resource(withFailureReason(resource.get(), "first")).updateStatus();

    String stalePatch = "{\"metadata\":{\"resourceVersion\":\"" + stale
        + "\"},\"status\":{\"failureReason\":\"stale\"}}";
    assertThatThrownBy(() -> resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), stalePatch))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"targetId\":\"" + DemoWorld.ANALYTICS
        + "\"}}");

    assertThat(resource.get().getSpec().getTargetId()).isEqualTo(DemoWorld.ANALYTICS);
    assertThat(resource.get().getStatus().getFailureReason()).isEqualTo("first");
  }

  @Test
  void theGenerationCountsSpecChangesOnly() {
    assertThat(resource.get().getMetadata().getGeneration()).as("created").isEqualTo(1L);

    kubernetes.client().resource(withFailureReason(resource.get(), "status")).updateStatus();
    assertThat(resource.get().getMetadata().getGeneration()).as("after a status update").isEqualTo(1L);

    PermissionSetProvisioning labelled = resource.get();
    labelled.getMetadata().setLabels(Map.of("team", "platform"));
    kubernetes.client().resource(labelled).update();
    assertThat(resource.get().getMetadata().getGeneration()).as("after a label change").isEqualTo(1L);

    PermissionSetProvisioning moved = resource.get();
    moved.getSpec().setTargetId(DemoWorld.ANALYTICS);
    kubernetes.client().resource(moved).update();
    assertThat(resource.get().getMetadata().getGeneration()).as("after a spec update").isEqualTo(2L);

    resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"targetId\":\"" + DemoWorld.PAYMENTS
        + "\"}}");
    assertThat(resource.get().getMetadata().getGeneration()).as("after a spec patch").isEqualTo(3L);
    assertThat(resource.get().getStatus().getFailureReason()).as("a spec patch keeps the status")
        .isEqualTo("status");
  }
}
