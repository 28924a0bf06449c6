package dev.operators.permissionset.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.events.EventRecorder.Type;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.MutableClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events as the API server stores them: one per distinct occurrence, repeats counted on it. */
class EventRecorderTest {

  private static final String NAMESPACE = "platform";

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EventRecorder recorder = new EventRecorder(kubernetes.client(), "permission-set-operator",
      "identitycenter.operators.dev/permission-set-operator", "operator-7d9f-abcde", clock, registry);
  private final PermissionSetProvisioning resource = resource();

  @AfterEach
  void stop() {
    recorder.close();
    kubernetes.close();
  }

  private static PermissionSetProvisioning resource() {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName("readonly").withNamespace(NAMESPACE)
        .withUid("0b7c1f5e-7f0e-4a59-9d6c-0c0d5b6a1f00").withResourceVersion("7").build());
    return resource;
  }

  private List<Event> events() {
    return kubernetes.client().v1().events().inNamespace(NAMESPACE).list().getItems();
  }

  private double recorded(String result) {
    var counter = registry.find(EventRecorder.EVENTS_METER).tag("result", result).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void writesAnEventAboutTheObjectThatKubectlDescribeShows() {
    recorder.record(resource, Type.WARNING, "Throttled", "Identity Center is throttling calls.");

    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    Event event = events().get(0);
    assertThat(event.getMetadata().getName()).startsWith("readonly.");
    assertThat(event.getInvolvedObject().getKind()).isEqualTo("PermissionSetProvisioning");
    assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("identitycenter.operators.dev/v1alpha1");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("readonly");
    assertThat(event.getInvolvedObject().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(event.getInvolvedObject().getUid()).isEqualTo("0b7c1f5e-7f0e-4a59-9d6c-0c0d5b6a1f00");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("Throttled");
    assertThat(event.getMessage()).isEqualTo("Identity Center is throttling calls.");
    assertThat(event.getCount()).isEqualTo(1);
    assertThat(event.getFirstTimestamp()).isEqualTo("2026-11-23T08:00:00Z");
    assertThat(event.getLastTimestamp()).isEqualTo("2026-11-23T08:00:00Z");
    assertThat(event.getSource().getComponent()).isEqualTo("permission-set-operator");
    assertThat(event.getReportingComponent()).isEqualTo("identitycenter.operators.dev/permission-set-operator");
    assertThat(event.getReportingInstance()).isEqualTo("operator-7d9f-abcde");
  }

  @Test
  void anEventAboutAClusterScopedObjectGoesToTheDefaultNamespace() {
    ClusterIdentityCenterConnection connection = new ClusterIdentityCenterConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName("default").withUid("c0").build());

    recorder.record(connection, Type.WARNING, "InvalidCredentials", "Identity Center rejected the credentials.");
    recorder.record(connection, Type.WARNING, "InvalidCredentials", "Identity Center rejected the credentials.");

    await().atMost(Duration.ofSeconds(10)).until(() -> kubernetes.client().v1().events().inNamespace("default")
        .list().getItems().stream().anyMatch(event -> event.getCount() == 2));
    assertThat(kubernetes.client().v1().events().inNamespace("default").list().getItems()).singleElement()
        .satisfies(event -> assertThat(event.getInvolvedObject().getKind()).isEqualTo(
            "ClusterIdentityCenterConnection"));
  }

  @Test
  void aRepeatRaisesTheCountOfTheSameEventAndADifferentMessageIsANewOne() {
    recorder.record(resource, Type.WARNING, "Throttled", "Identity Center is throttling calls.");
    clock.advance(Duration.ofMinutes(2));
    recorder.record(resource, Type.WARNING, "Throttled", "Identity Center is throttling calls.");
    clock.advance(Duration.ofMinutes(1));
    recorder.record(resource, Type.WARNING, "Throttled", "Identity Center is throttling calls.");
    recorder.record(resource, Type.WARNING, "Throttled", "Identity Center is throttling calls, differently.");

    await().atMost(Duration.ofSeconds(10)).until(() -> recorded("written") + recorded("aggregated") == 4);
    assertThat(recorded("aggregated")).isEqualTo(2);
    assertThat(events()).hasSize(2);
    Event repeated = events().stream().filter(e -> e.getMessage().endsWith("calls.")).findFirst().orElseThrow();
    assertThat(repeated.getCount()).isEqualTo(3);
    assertThat(repeated.getFirstTimestamp()).isEqualTo("2026-11-23T08:00:00Z");
    assertThat(repeated.getLastTimestamp()).isEqualTo("2026-11-23T08:03:00Z");
  }

  @Test
  void anEventThatExpiredMeanwhileIsWrittenAnew() {
    recorder.record(resource, Type.NORMAL, "Provisioned", "Provisioned.");
    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    kubernetes.client().v1().events().inNamespace(NAMESPACE).withName(events().get(0).getMetadata().getName())
        .delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> events().isEmpty());

    recorder.record(resource, Type.NORMAL, "Provisioned", "Provisioned.");

    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    assertThat(events().get(0).getCount()).isEqualTo(1);
    assertThat(recorded("written")).isEqualTo(2);
  }

  @Test
  void longMessagesAreCutToTheApiServersLimit() {
    recorder.record(resource, Type.WARNING, "ProvisioningFailed", "x".repeat(5000));

    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    assertThat(events().get(0).getMessage()).hasSize(EventRecorder.MAX_MESSAGE_LENGTH).endsWith("...");
  }

  @Test
  void aRefusedWriteIsCountedAndNeverReachesTheCaller() {
    kubernetes.server().expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/events")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}").always();

    recorder.record(resource, Type.WARNING, "AccessDenied", "The credentials may not do this.");

    await().atMost(Duration.ofSeconds(10)).until(() -> recorded("failed") == 1);
    assertThat(events()).isEmpty();
  }

  @Test
  void whenTheApiServerDoesNotKeepUpEventsAreDroppedNotWaitedFor() {
    kubernetes.server().expect().post().delay(3, TimeUnit.SECONDS)
        .withPath("/api/v1/namespaces/" + NAMESPACE + "/events").andReturn(201, "{}").once();

    for (int i = 0; i < 1002; i++) {
      recorder.record(resource, Type.WARNING, "Throttled", "Occurrence " + i + ".");
    }

    assertThat(recorded("dropped")).isBetween(1.0, 2.0);
  }
}
