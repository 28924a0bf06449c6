package dev.operators.permissionset.reconciler;

import static dev.operators.permissionset.testing.RandomValues.anyText;
import static dev.operators.permissionset.testing.RandomValues.between;
import static dev.operators.permissionset.testing.RandomValues.chance;
import static dev.operators.permissionset.testing.RandomValues.pick;
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
import dev.operators.permissionset.testing.Randomized;
import dev.operators.permissionset.testing.TestOperators;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

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

  /** One try: the spec of a new resource and what the cloud answers to its provisioning. */
  record Sample(PermissionSetProvisioningSpec spec, Outcome onProvision) {

    static Sample draw(RandomGenerator random) {
      return new Sample(RandomSpecs.spec(random), outcome(random));
    }
  }

  @BeforeAll
  static void startOperator() {
    kubernetes = KubernetesTestServer.start();
    cloud = new FakeIdentityCenter().withPermissionSet("ps-8603aaaaaaaa14bd", "ReadOnlyAccess");
    RandomSpecs.oftenNamedPermissionSets().forEach(cloud::withPermissionSet);
    operatorLogs = CapturedLogs.start("io.javaoperatorsdk");
    operator = TestOperators.start(kubernetes.client(), cloud, Map.of());
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
    operatorLogs.close();
    kubernetes.close();
  }

  @Test
  void everyResourceGetsConsistentConditionsWhateverTheSpecAndTheCloud(TestInfo test) {
    Randomized.check(test, 100, Sample::draw,
        sample -> resourceGetsConsistentConditions(sample.spec(), sample.onProvision()));
  }

  private static void resourceGetsConsistentConditions(PermissionSetProvisioningSpec spec, Outcome onProvision) {
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

  private static Outcome outcome(RandomGenerator random) {
    return switch (random.nextInt(5)) {
      case 0 -> Outcome.status(pick(random, ProvisioningStatus.class));
      case 1 -> Outcome.failed(text(random));
      case 2 -> Outcome.unknownStatus(text(random));
      case 3 -> Outcome.acceptedButAnswerLost();
      default -> Outcome.error(new IdentityCenterException("ProvisionPermissionSet", pick(random,
          ErrorCategory.class), between(random, 0, 599), chance(random, 0.3) ? null : text(random), text(random),
          retryAfter(random), null));
    };
  }

  private static String text(RandomGenerator random) {
    return random.nextBoolean() ? anyText(random, 60)
        : pick(random, "", " ", "\u4e2d\u6587 \ud83d\ude00", "x".repeat(20_000));
  }

  private static Duration retryAfter(RandomGenerator random) {
    return chance(random, 0.4) ? null : pick(random, Duration.ZERO, Duration.ofSeconds(1), Duration.ofDays(36_500),
        Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(-5));
  }
}
