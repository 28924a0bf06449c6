package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.CapturedLogs;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.FakeIdentityCenter.Outcome;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.RandomSpecs;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random specs and random cloud answers through the real operator on the mock Kubernetes API: whatever comes, the
 * resource gets its Ready, Reconciling and Stalled conditions for its current generation, exactly one of them True,
 * and no exception escapes the reconciler.
 */
class ReconcilerPropertiesTest {

  private static final String NAMESPACE = "fuzz";
  private static final List<String> CONDITIONS = List.of("Ready", "Reconciling", "Stalled");
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static KubernetesTestServer kubernetes;
  private static FakeIdentityCenter cloud;
  private static PermissionSetOperator operator;
  private static CapturedLogs operatorLogs;

  @BeforeContainer
  static void startOperator() {
    kubernetes = KubernetesTestServer.start();
    cloud = new FakeIdentityCenter().withPermissionSet("ps-8603aaaaaaaa14bd", "ReadOnlyAccess")
        .withPermissionSet("a", "\ud83d\ude00");
    operatorLogs = CapturedLogs.start("io.javaoperatorsdk");
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());
  }

  @AfterContainer
  static void stopOperator() {
    operator.close();
    operatorLogs.close();
    kubernetes.close();
  }

  @Property(tries = 100)
  void everyResourceGetsConsistentConditionsWhateverTheSpecAndTheCloud(
      @ForAll("specs") PermissionSetProvisioningSpec spec, @ForAll("outcomes") Outcome onProvision) {
    cloud.onProvision(onProvision);
    String name = "fuzz-" + NAMES.incrementAndGet();
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    kubernetes.client().resource(resource).create();
    try {
      PermissionSetProvisioning settled = awaitConditions(name, Duration.ofSeconds(15));
      PermissionSetProvisioningStatus status = settled.getStatus();
      assertThat(status).as("%s has a status", name).isNotNull();
      for (String type : CONDITIONS) {
        assertThat(status.condition(type)).as("%s: condition %s in %s", name, type, status.getConditions())
            .isPresent();
      }
      assertThat(status.getConditions().stream().filter(c -> CONDITIONS.contains(c.getType()))
          .filter(c -> "True".equals(c.getStatus())).count())
          .as("%s: conditions True among %s", name, status.getConditions()).isEqualTo(1);
      assertThat(status.getObservedGeneration()).isEqualTo(settled.getMetadata().getGeneration());
      assertThat(status.getConditions()).allSatisfy(condition -> {
        assertThat(condition.getReason()).matches("[A-Z][A-Za-z]*");
        assertThat(condition.getMessage()).isNotBlank();
      });
      // a status write racing the deletion of an earlier try's resource finds it gone: that one is expected
      assertThat(operatorLogs.lines()).as("exceptions the reconciler let escape")
          .noneMatch(line -> line.contains("at dev.operators.permissionset.reconciler")
              && !line.contains("/status. Message: Not Found"));
    } finally {
      kubernetes.client().resource(resource).delete();
    }
  }

  /** The resource once all three conditions are there for its generation, or as it is when the time is up. */
  private static PermissionSetProvisioning awaitConditions(String name, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    PermissionSetProvisioning current;
    do {
      current = kubernetes.client().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE)
          .withName(name).get();
      PermissionSetProvisioningStatus status = current.getStatus();
      if (status != null && current.getMetadata().getGeneration().equals(status.getObservedGeneration())
          && CONDITIONS.stream().allMatch(type -> status.condition(type).isPresent())) {
        return current;
      }
      sleep();
    } while (System.nanoTime() < deadline);
    return current;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Provide
  Arbitrary<PermissionSetProvisioningSpec> specs() {
    return RandomSpecs.specs();
  }

  @Provide
  Arbitrary<Outcome> outcomes() {
    Arbitrary<String> text = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(60),
        Arbitraries.of("", " ", "\u4e2d\u6587 \ud83d\ude00", "x".repeat(20_000)));
    Arbitrary<Duration> retryAfter = Arbitraries.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofDays(36_500),
        Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(-5)).injectNull(0.4);
    Arbitrary<Outcome> failure = Combinators.combine(Arbitraries.of(ErrorCategory.class),
        Arbitraries.integers().between(0, 599), text.injectNull(0.3), text, retryAfter)
        .as((category, httpStatus, code, message, wait) -> Outcome.error(new IdentityCenterException(
            "ProvisionPermissionSet", category, httpStatus, code, message, wait, null)));
    return Arbitraries.oneOf(
        Arbitraries.of(ProvisioningStatus.class).map(Outcome::status),
        text.map(Outcome::failed),
        text.map(Outcome::unknownStatus),
        Arbitraries.just(Outcome.acceptedButAnswerLost()),
        failure);
  }
}
