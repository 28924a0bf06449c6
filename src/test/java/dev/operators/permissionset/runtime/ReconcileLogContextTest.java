package dev.operators.permissionset.runtime;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.reconciler.PermissionSetProvisioningReconciler;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What JOSDK promises and our log formats rely on: a reconcile's log lines carry its resource in the MDC. */
class ReconcileLogContextTest {

  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";

  private static final class Capture extends AbstractAppender {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    Capture() {
      super("capture", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      events.add(event.toImmutable());
    }
  }

  private final KubernetesTestServer kubernetes = KubernetesTestServer.start();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, "ReadOnlyAccess");
  private final Capture capture = new Capture();
  private LoggerConfig reconcilerLogs;
  private PermissionSetOperator operator;

  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    capture.start();
    reconcilerLogs = context.getConfiguration().getLoggerConfig("dev.operators.permissionset");
    reconcilerLogs.addAppender(capture, Level.INFO, null);
    context.updateLoggers();
  }

  @AfterEach
  void stop() {
    reconcilerLogs.removeAppender(capture.getName());
    ((LoggerContext) LogManager.getContext(false)).updateLoggers();
    capture.stop();
    if (operator != null) {
      operator.close();
    }
    kubernetes.close();
  }

  @Test
  void reconcileLinesNameTheResourcesNamespaceAndName() {
    cloud.onProvision(status(SUCCEEDED));
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId("ins-4f1d2c3b4a596870");
    spec.setPermissionSetId(READ_ONLY);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId("5146d03d8aaaaaaaaaaaabbae60620a5");
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName("readonly").withNamespace("platform").build());
    resource.setSpec(spec);

    kubernetes.client().resource(resource).create();

    await().atMost(Duration.ofSeconds(20)).until(() -> capture.events.stream()
        .anyMatch(ReconcileLogContextTest::madeTheRequest));
    LogEvent line = capture.events.stream().filter(ReconcileLogContextTest::madeTheRequest).findFirst().orElseThrow();
    assertThat(line.getContextData().<String>getValue("resource.namespace")).isEqualTo("platform");
    assertThat(line.getContextData().<String>getValue("resource.name")).isEqualTo("readonly");
  }

  /** The reconciler's line about the request it made, whichever of its classes logs it. */
  private static boolean madeTheRequest(LogEvent event) {
    return event.getLoggerName().startsWith(PermissionSetProvisioningReconciler.class.getPackageName() + ".")
        && event.getMessage().getFormattedMessage().startsWith("Provisioning request");
  }
}
