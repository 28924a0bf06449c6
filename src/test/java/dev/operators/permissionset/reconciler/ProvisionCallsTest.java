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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProvisionCallsTest {

  private static final ResourceID RESOURCE = new ResourceID("a", "ns");
  private static final String UID = "uid-a";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();
  /** Counted as they are handed to the threads, inside {@code answerOrCall}: no waiting to see whether one ran. */
  private final AtomicInteger callsStarted = new AtomicInteger();
  private final ExecutorService callers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>()) {
    @Override
    public void execute(Runnable call) {
      callsStarted.incrementAndGet();
      super.execute(call);
    }
  };
  private final ProvisionCalls calls = new ProvisionCalls(callers, clock, woken::add);

  @AfterEach
  void close() {
    calls.close();
  }

  private static ProvisioningRequest inProgress(String requestId) {
    return new ProvisioningRequest(requestId, ProvisioningStatus.IN_PROGRESS, "IN_PROGRESS", Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Asks for the answer where no call may start: one that starts fails the test. */
  private Optional<ProvisionCalls.Answer> answer(long generation) {
    int startedBefore = callsStarted.get();
    Optional<ProvisionCalls.Answer> answer = calls.answerOrCall(UID, generation, RESOURCE,
        () -> inProgress("r-unexpected"));
    assertThat(callsStarted).as("a call started while one ran or an answer waited").hasValue(startedBefore);
    return answer;
  }

  @Test
  void theAnswerWakesTheResourceAndIsTakenOnceForItsGeneration() {
    assertThat(calls.answerOrCall(UID, 3, RESOURCE, () -> inProgress("r-1"))).isEmpty();

    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));
    assertThat(calls.running(UID)).isFalse();
    assertThat(answer(3)).map(answer -> answer.requestOrThrow().requestId()).contains("r-1");
    assertThat(calls.answerOrCall(UID, 3, RESOURCE, () -> inProgress("r-2"))).as("taken once").isEmpty();
    assertThat(callsStarted).as("with the answer taken, the next ask calls again").hasValue(2);
  }

  @Test
  void aSecondCallForTheResourceWaitsUntilTheFirstAnswered() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    calls.answerOrCall(UID, 1, RESOURCE, () -> {
      waitFor(release);
      return inProgress("r-1");
    });

    assertThat(answer(1)).isEmpty();
    assertThat(answer(2)).isEmpty();
    assertThat(calls.running(UID)).isTrue();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> !calls.running(UID));
    assertThat(callsStarted).hasValue(1);
    assertThat(answer(1)).map(answer -> answer.requestOrThrow().requestId()).contains("r-1");
  }

  @Test
  void anAnswerForAnotherGenerationIsDropped() {
    calls.answerOrCall(UID, 1, RESOURCE, () -> inProgress("r-old"));
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    assertThat(calls.answerOrCall(UID, 2, RESOURCE, () -> inProgress("r-new"))).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> !calls.running(UID));
    assertThat(answer(2)).map(answer -> answer.requestOrThrow().requestId()).contains("r-new");
  }

  @Test
  void aFailedCallHandsItsErrorToTheReconciler() {
    IdentityCenterException refused = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.CONFLICT, 409, "IIC.1257", "Duplicate entity objects.", null, null);
    calls.answerOrCall(UID, 1, RESOURCE, () -> {
      throw refused;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    ProvisionCalls.Answer answer = answer(1).orElseThrow();
    assertThatThrownBy(answer::requestOrThrow).isSameAs(refused);
  }

  @Test
  void anUnexpectedFailureBecomesAnErrorThatSaysTheCallMayHaveReachedTheCloud() {
    calls.answerOrCall(UID, 1, RESOURCE, () -> {
      throw new IllegalStateException("bug");
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    ProvisionCalls.Answer answer = answer(1).orElseThrow();
    assertThatThrownBy(answer::requestOrThrow).isInstanceOfSatisfying(IdentityCenterException.class,
        e -> assertThat(e.category().mayHaveTakenEffect()).isTrue());
  }

  @Test
  void anAnswerNobodyTakesIsForgottenWhenAnotherCallStartsLongAfter() {
    ResourceID deleted = new ResourceID("deleted", "ns");
    calls.answerOrCall("uid-deleted", 1, deleted, () -> inProgress("r-1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.size() == 1 && !woken.isEmpty());

    clock.advance(ProvisionCalls.UNCLAIMED_ANSWER_LIFETIME.plusSeconds(1));
    calls.answerOrCall(UID, 1, RESOURCE, () -> inProgress("r-2"));
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE));

    assertThat(calls.size()).as("only the answer that can still be taken").isEqualTo(1);
    assertThat(calls.answerOrCall("uid-deleted", 1, deleted, () -> inProgress("r-3"))).isEmpty();
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
