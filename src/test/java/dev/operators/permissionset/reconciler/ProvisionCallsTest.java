package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProvisionCallsTest {

  private static final ResourceID RESOURCE = new ResourceID("a", "ns");
  private static final String UID = "uid-a";

  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();
  /** Counted as they are handed to the threads: no waiting to see whether one ran. */
  private final AtomicInteger callsStarted = new AtomicInteger();
  private final ExecutorService callers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>()) {
    @Override
    public void execute(Runnable call) {
      callsStarted.incrementAndGet();
      super.execute(call);
    }
  };
  private final List<String> answeredAfterDelete = new CopyOnWriteArrayList<>();
  private final ProvisionCalls calls = new ProvisionCalls(callers, woken::add,
      (uid, outcome) -> answeredAfterDelete.add(uid + ":" + ((CallOutcome.Requested) outcome).request().requestId()));

  @AfterEach
  void close() {
    calls.close();
  }

  private static CallOutcome inProgress(String requestId) {
    return new CallOutcome.Requested(new ProvisioningRequest(requestId, ProvisioningStatus.IN_PROGRESS,
        "IN_PROGRESS", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
  }

  private static String requestId(ProvisionCalls.Answer answer) {
    return ((CallOutcome.Requested) answer.outcome()).request().requestId();
  }

  private void awaitAnswer() {
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.contains(RESOURCE) && !calls.running(UID));
  }

  @Test
  void theAnswerWakesTheResourceAndIsKeptUntilReleased() {
    calls.start(UID, 1, RESOURCE, () -> inProgress("r-1"));
    awaitAnswer();

    assertThat(calls.answer(UID)).map(ProvisionCallsTest::requestId).contains("r-1");
    assertThat(calls.answer(UID)).as("reading it does not let it go: the status that records it may still fail")
        .isPresent();

    calls.release(UID);
    assertThat(calls.answer(UID)).isEmpty();
    assertThat(calls.size()).isZero();
  }

  @Test
  void noSecondCallStartsWhileOneRunsOrItsAnswerIsKept() {
    CountDownLatch release = new CountDownLatch(1);
    calls.start(UID, 1, RESOURCE, () -> {
      waitFor(release);
      return inProgress("r-1");
    });
    calls.start(UID, 1, RESOURCE, () -> inProgress("r-2"));
    assertThat(callsStarted).as("a second call while the first runs").hasValue(1);

    release.countDown();
    awaitAnswer();
    calls.start(UID, 2, RESOURCE, () -> inProgress("r-3"));

    assertThat(callsStarted).as("a call for the next generation while the first answer is not recorded")
        .hasValue(1);
    assertThat(calls.answer(UID)).map(ProvisionCalls.Answer::generation).contains(1L);
  }

  @Test
  void aFailedCallHandsItsErrorToTheReconciler() {
    IdentityCenterException refused = new IdentityCenterException("ProvisionPermissionSet",
        ErrorCategory.CONFLICT, 409, "IIC.1257", "Duplicate entity objects.", null, null);
    calls.start(UID, 1, RESOURCE, () -> new CallOutcome.Failed(refused));
    awaitAnswer();

    assertThat(calls.answer(UID).orElseThrow().outcome()).isEqualTo(new CallOutcome.Failed(refused));
  }

  @Test
  void anUnexpectedFailureBecomesAnErrorThatSaysTheCallMayHaveReachedTheCloud() {
    calls.start(UID, 1, RESOURCE, () -> {
      throw new IllegalStateException("bug");
    });
    awaitAnswer();

    assertThat(calls.answer(UID).orElseThrow().outcome()).isInstanceOfSatisfying(CallOutcome.Failed.class,
        failed -> assertThat(failed.error().category().mayHaveTakenEffect()).isTrue());
  }

  @Test
  void aDeletedResourceIsForgottenAndItsLateAnswerIsHandedOnNotKept() {
    CountDownLatch release = new CountDownLatch(1);
    calls.start(UID, 1, RESOURCE, () -> {
      waitFor(release);
      return inProgress("r-1");
    });

    assertThat(calls.forget(UID).running()).as("a call was running").isTrue();
    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> !answeredAfterDelete.isEmpty());
    assertThat(answeredAfterDelete).containsExactly(UID + ":r-1");
    assertThat(calls.size()).isZero();
    assertThat(woken).isEmpty();
  }

  @Test
  void aCallThatAnsweredBeforeItsResourceWasForgottenHandsItsAnswerToTheForgetting() {
    calls.start(UID, 1, RESOURCE, () -> inProgress("r-1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.answer(UID).isPresent());

    ProvisionCalls.Forgotten forgotten = calls.forget(UID);

    assertThat(forgotten.running()).isFalse();
    assertThat(forgotten.answer()).hasValueSatisfying(outcome -> assertThat(((CallOutcome.Requested) outcome)
        .request().requestId()).isEqualTo("r-1"));
    assertThat(calls.size()).isZero();
  }

  @Test
  void afterLeadershipIsLostNoCallLeavesAlsoNoneAlreadyHandedToAThread() throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    AtomicInteger sent = new AtomicInteger();
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    ProvisionCalls single = new ProvisionCalls(oneThread, woken::add, (uid, outcome) -> { });
    single.start("uid-busy", 1, new ResourceID("busy", "ns"), () -> {
      busy.countDown();
      waitFor(new CountDownLatch(1));
      return inProgress("r-busy");
    });
    single.start(UID, 1, RESOURCE, () -> {
      sent.incrementAndGet();
      return inProgress("r-late");
    });
    waitFor(busy);

    single.stop();
    single.start("uid-new", 1, new ResourceID("new", "ns"), () -> {
      sent.incrementAndGet();
      return inProgress("r-new");
    });

    assertThat(oneThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(sent).as("calls queued or started after the replica stopped leading").hasValue(0);
    assertThat(single.answer("uid-new")).hasValueSatisfying(answer -> assertThat(answer.outcome())
        .isInstanceOfSatisfying(CallOutcome.Failed.class, failed -> assertThat(failed.error().getMessage())
            .contains("no longer leads")));
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
