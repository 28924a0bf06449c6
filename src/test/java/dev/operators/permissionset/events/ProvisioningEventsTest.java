package dev.operators.permissionset.events;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.IN_PROGRESS;
import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator tells the story of a resource in Events: one per transition, none per poll or retry. */
class ProvisioningEventsTest {

  private static final String NAMESPACE = "platform";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private PermissionSetOperator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    kubernetes.close();
  }

  private static PermissionSetProvisioning resource(String name, String targetId) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId("ins-4f1d2c3b4a596870");
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(targetId);
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }

  private List<Event> eventsAbout(String name) {
    return kubernetes.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing(Event::getFirstTimestamp).thenComparing(e -> e.getMetadata()
            .getCreationTimestamp()))
        .toList();
  }

  @Test
  void eachTransitionIsOneEventWhateverThePollsAndRetries() {
    IdentityCenterException throttled = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.THROTTLED, 429, "IIC.429", "Too Many Requests", null, null);
    cloud.onProvision(error(throttled), error(throttled), error(throttled), status(IN_PROGRESS));
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());

    PermissionSetProvisioning created = kubernetes.client().resource(resource("readonly",
        "5146d03d8aaaaaaaaaaaabbae60620a5")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> requestId("readonly") != null);
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.listCalls() >= 3);
    cloud.finish(requestId("readonly"), SUCCEEDED);

    await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout("readonly").stream()
        .anyMatch(e -> "Provisioned".equals(e.getReason())));
    List<Event> events = eventsAbout("readonly");
    // calling the cloud, throttled three times, the request in progress, provisioned
    assertThat(events).extracting(Event::getReason).containsExactlyInAnyOrder("Provisioning", "Throttled",
        "Provisioning", "Provisioned");
    assertThat(events).allSatisfy(event -> {
      assertThat(event.getCount()).isEqualTo(1);
      assertThat(event.getInvolvedObject().getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(event.getMessage()).isNotBlank().doesNotContain(TestOperators.SECRET_KEY)
          .doesNotContain(TestOperators.ACCESS_KEY);
    });
    assertThat(events).filteredOn(e -> "Throttled".equals(e.getReason())).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("throttling").contains("HTTP 429");
    });
    assertThat(events).filteredOn(e -> "Provisioned".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
  }

  private String requestId(String name) {
    PermissionSetProvisioning resource = kubernetes.client().resources(PermissionSetProvisioning.class)
        .inNamespace(NAMESPACE).withName(name).get();
    return resource.getStatus() == null ? null : resource.getStatus().getRequestId();
  }

  @Test
  void badInputStallsWithAWarningNamingTheField() {
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());

    kubernetes.client().resource(resource("no-target", null)).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> !eventsAbout("no-target").isEmpty());
    assertThat(eventsAbout("no-target")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("InvalidSpec");
      assertThat(e.getMessage()).contains("spec.targetId");
    });
    assertThat(cloud.provisionCalls()).isEmpty();
  }
}
