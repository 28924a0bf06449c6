package dev.operators.permissionset.events;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.IN_PROGRESS;
import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY_NAME;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestConnections;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The operator tells the story of a resource in Events: one per transition, none per poll or retry. */
class ProvisioningEventsTest {

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, READ_ONLY_NAME);
  private PermissionSetOperator operator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    kubernetes.close();
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
    // a resource that came first would wait for the connection's check, and tell that too
    TestConnections.awaitReady(kubernetes.client(), TestConnections.DEFAULT);

    PermissionSetProvisioning created = kubernetes.client().resource(toAccount("readonly", READ_ONLY,
        PAYMENTS)).create();
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
  void anOutOfDateCopyIsAWarningAndTheLatestAgainIsNormal() {
    cloud.onProvision(status(SUCCEEDED), status(SUCCEEDED));
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of("DRIFT_CHECK_INTERVAL", "500ms",
        "CLOUD_LIST_LAG", "100ms"));
    kubernetes.client().resource(toAccount("readonly", READ_ONLY, PAYMENTS)).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout("readonly").stream()
        .anyMatch(e -> e.getReason().equals("Provisioned")));

    cloud.outOfDate(READ_ONLY, PAYMENTS);

    await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout("readonly").stream()
        .anyMatch(e -> e.getReason().equals("PermissionSetChanged")));
    assertThat(eventsAbout("readonly")).filteredOn(e -> e.getReason().equals("PermissionSetChanged"))
        .singleElement().satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("account " + PAYMENTS + " holds an out-of-date copy");
        });

    kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName("readonly")
        .edit(resource -> {
          resource.getMetadata().setAnnotations(Map.of(PermissionSetProvisioning.REPROVISION_REQUESTED_AT, "1"));
          return resource;
        });

    await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout("readonly").stream()
        .anyMatch(e -> e.getReason().equals("LatestPermissionSet")));
    assertThat(eventsAbout("readonly")).filteredOn(e -> e.getReason().equals("LatestPermissionSet"))
        .singleElement().satisfies(e -> assertThat(e.getType()).isEqualTo("Normal"));
  }

  @Test
  void badInputStallsWithAWarningNamingTheField() {
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());

    kubernetes.client().resource(toAccount("no-target", READ_ONLY, null)).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> !eventsAbout("no-target").isEmpty());
    assertThat(eventsAbout("no-target")).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getReason()).isEqualTo("InvalidSpec");
      assertThat(e.getMessage()).contains("spec.targetId");
    });
    assertThat(cloud.provisionCalls()).isEmpty();
  }
}
