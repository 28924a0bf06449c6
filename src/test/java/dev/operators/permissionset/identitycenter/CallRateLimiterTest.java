package dev.operators.permissionset.identitycenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.identitycenter.CallRateLimiter.Priority;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallRateLimiterTest {

  @Test
  void callsAreSpacedAtTheRateWithoutABurst() throws InterruptedException {
    CallRateLimiter limiter = new CallRateLimiter(50);
    long start = System.nanoTime();
    for (int call = 0; call < 11; call++) {
      limiter.acquire(Priority.STARTS_WORK);
    }
    // ten gaps of 20 ms at least; a noisy machine can only make it longer
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(195));
  }

  @Test
  void callsThatFinishWorkGoBeforeCallsThatStartIt() throws InterruptedException {
    CallRateLimiter limiter = new CallRateLimiter(2);
    limiter.acquire(Priority.STARTS_WORK);
    List<String> order = new CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      for (String starter : List.of("start-1", "start-2", "start-3")) {
        callers.submit(() -> acquireAndRecord(limiter, Priority.STARTS_WORK, starter, order));
      }
      Thread.sleep(50);
      callers.submit(() -> acquireAndRecord(limiter, Priority.FINISHES_WORK, "finish", order));

      await().atMost(Duration.ofSeconds(5)).until(() -> order.size() == 4);
      assertThat(order.get(0)).isEqualTo("finish");
    } finally {
      callers.shutdownNow();
      assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void throttlingWidensTheSpacingAndAnswersNarrowItBackToTheSetRate() {
    CallRateLimiter limiter = new CallRateLimiter(20);
    assertThat(limiter.currentInterval()).isEqualTo(Duration.ofMillis(50));

    limiter.throttled();
    limiter.throttled();
    assertThat(limiter.currentInterval()).isEqualTo(Duration.ofMillis(200));
    for (int throttled = 0; throttled < 20; throttled++) {
      limiter.throttled();
    }
    assertThat(limiter.currentInterval()).isEqualTo(Duration.ofSeconds(10));

    for (int answer = 0; answer < 100; answer++) {
      limiter.answered();
    }
    assertThat(limiter.currentInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void a429NowAndThenLeavesTheRateNearTheSetOne() {
    CallRateLimiter limiter = new CallRateLimiter(100);
    long sum = 0;
    int calls = 20_000;
    SplittableRandom random = new SplittableRandom(7);
    for (int call = 0; call < calls; call++) {
      if (random.nextInt(20) == 0) {
        limiter.throttled();
      } else {
        limiter.answered();
      }
      sum += limiter.currentInterval().toNanos();
    }
    // weighted by time, as the operator lives it: each call takes the spacing it had
    double meanSpacing = (double) sum / calls;
    assertThat(Duration.ofNanos((long) meanSpacing)).isLessThan(Duration.ofMillis(20));
  }

  @Test
  void aLateCallKeepsTheNextSlotWhereItWasDueButAPauseStartsTheSpacingAgain() throws Exception {
    AtomicLong now = new AtomicLong();
    CallRateLimiter limiter = new CallRateLimiter(10, now::get);
    limiter.acquire(Priority.STARTS_WORK);
    now.set(millis(105));
    limiter.acquire(Priority.STARTS_WORK);

    now.set(millis(200));
    assertThat(goesAtOnce(limiter)).as("the slot after a call 5 ms late is still at 200 ms").isTrue();

    now.set(millis(1000));
    limiter.acquire(Priority.STARTS_WORK);
    now.set(millis(1050));
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<?> early = caller.submit(() -> {
        limiter.acquire(Priority.STARTS_WORK);
        return null;
      });
      Thread.sleep(200);
      assertThat(early).as("no burst after a pause").isNotDone();
      now.set(millis(1100));
      early.get(5, TimeUnit.SECONDS);
    } finally {
      caller.shutdownNow();
    }
  }

  private static long millis(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  /** With the clock standing still, a call that has to wait never goes. */
  private static boolean goesAtOnce(CallRateLimiter limiter) throws InterruptedException {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<?> call = caller.submit(() -> {
        limiter.acquire(Priority.STARTS_WORK);
        return null;
      });
      try {
        call.get(5, TimeUnit.SECONDS);
        return true;
      } catch (ExecutionException | TimeoutException e) {
        return false;
      }
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aRateMustBeAboveZero() {
    assertThatThrownBy(() -> new CallRateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CallRateLimiter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Void acquireAndRecord(CallRateLimiter limiter, Priority priority, String name, List<String> order)
      throws InterruptedException {
    limiter.acquire(priority);
    order.add(name);
    return null;
  }
}
