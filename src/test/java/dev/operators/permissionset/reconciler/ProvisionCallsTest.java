package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.testing.MutableClock;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProvisionCallsTest {

  private static final ResourceID RESOURCE = new ResourceID("a", "ns");
  private static final String UID = "uid-a";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();
  private final ProvisionCalls calls = new ProvisionCalls(2, clock, woken::add);

  @AfterEach
  void close() {
    calls.close();
  }

  private static ProvisioningRequest inProgress(String requestId) {
    return new ProvisioningRequest(requestId, ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS", Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  @Test
  void theAnswerWakesTheResourceAndIsTakenOnceForItsGeneration() {
    calls.start(UID, 3, RESOURCE, () -> inProgress("r-1"));

    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));
    assertThat(calls.running(UID)).isFalse();
    assertThat(calls.take(UID, 3)).map(answer -> answer.requestOrThrow().requestId()).contains("r-1");
    assertThat(calls.take(UID, 3)).isEmpty();
    assertThat(calls.size()).isZero();
  }

  @Test
  void aSecondCallForTheResourceWaitsUntilTheFirstAnswered() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger made = new AtomicInteger();
    calls.start(UID, 1, RESOURCE, () -> {
      made.incrementAndGet();
      waitFor(release);
      return inProgress("r-1");
    });

    calls.start(UID, 1, RESOURCE, () -> inProgress("r-twice"));
    calls.start(UID, 2, RESOURCE, () -> inProgress("r-newer"));
    assertThat(calls.running(UID)).isTrue();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> !calls.running(UID));
    assertThat(made).hasValue(1);
    assertThat(calls.take(UID, 1)).map(answer -> answer.requestOrThrow().requestId()).contains("r-1");
  }

  @Test
  void anAnswerForAnotherGenerationIsDropped() {
    calls.start(UID, 1, RESOURCE, () -> inProgress("r-old"));
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    assertThat(calls.take(UID, 2)).isEmpty();
    assertThat(calls.take(UID, 1)).isEmpty();
  }

  @Test
  void aFailedCallHandsItsErrorToTheReconciler() {
    IdentityCenterException refused = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.CONFLICT, 409, "IIC.1257", "Duplicate entity objects.", null, null);
    calls.start(UID, 1, RESOURCE, () -> {
      throw refused;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    ProvisionCalls.Answer answer = calls.take(UID, 1).orElseThrow();
    assertThatThrownBy(answer::requestOrThrow).isSameAs(refused);
  }

  @Test
  void anUnexpectedFailureBecomesAnErrorThatSaysTheCallMayHaveReachedTheCloud() {
    calls.start(UID, 1, RESOURCE, () -> {
      throw new IllegalStateException("bug");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    ProvisionCalls.Answer answer = calls.take(UID, 1).orElseThrow();
    assertThatThrownBy(answer::requestOrThrow).isInstanceOfSatisfying(IdentityCenterException.class,
        e -> assertThat(e.category().mayHaveTakenEffect()).isTrue());
  }

  @Test
  void anAnswerNobodyTakesIsForgottenWhenAnotherCallStartsLongAfter() {
    calls.start("uid-deleted", 1, new ResourceID("deleted", "ns"), () -> inProgress("r-1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.size() == 1 && !woken.isEmpty());

    clock.advance(ProvisionCalls.UNCLAIMED_ANSWER_LIFETIME.plusSeconds(1));
    calls.start(UID, 1, RESOURCE, () -> inProgress("r-2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    assertThat(calls.size()).isEqualTo(1);
    assertThat(calls.take("uid-deleted", 1)).isEmpty();
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
