package dev.operators.permissionset.identitycenter;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Spaces calls to the cloud evenly at a set rate, so the operator throttles itself below the cloud's quota instead of
 * being answered 429. Calls that finish work (following requests in flight) go before calls that start work (new
 * provisionings): starting more only helps once what is in flight is known to be done.
 *
 * <p>Even spacing, with no burst, because the cloud counts calls per second: a burst that a token bucket would allow
 * at the edge of one second would be counted against the next. A call that goes late, because its thread woke late,
 * keeps the next slot where it was due, so the late wake-ups of thousands of calls do not add up to a lower rate;
 * after a pause of more than one slot the spacing starts again from the call.
 *
 * <p>The set rate is a ceiling. When the cloud answers 429 anyway (its quota is lower than configured, or other
 * clients share it), the spacing doubles; every other answer narrows it again by a tenth, back to the set rate. So
 * the operator settles where about one answer in eight is a 429 when the cloud allows less than the set rate, and a
 * cloud that throttles a few calls at random, whatever the rate (another client's burst), barely slows it. With a
 * twentieth, such random 429s made a random walk that drifted back too slowly: the slower the operator went, the
 * longer each answer that could speed it up took, and it spent most of its time crawling (found by the chaos test).
 */
public final class CallRateLimiter {

  /** Which calls go first when calls wait. */
  public enum Priority {
    FINISHES_WORK,
    STARTS_WORK
  }

  /** The slowest spacing throttling can push the operator to: one call every ten seconds. */
  static final long SLOWEST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition turn = lock.newCondition();
  private long nextFree;
  private long currentIntervalNanos;
  private int finishersWaiting;

  public CallRateLimiter(double callsPerSecond) {
    this(callsPerSecond, System::nanoTime);
  }

  CallRateLimiter(double callsPerSecond, LongSupplier nanoTime) {
    if (!(callsPerSecond > 0)) {
      throw new IllegalArgumentException("the rate must be above zero");
    }
    this.intervalNanos = Math.round(TimeUnit.SECONDS.toNanos(1) / callsPerSecond);
    this.nanoTime = nanoTime;
    this.nextFree = nanoTime.getAsLong();
    this.currentIntervalNanos = intervalNanos;
  }

  /** The cloud answered 429: space calls twice as far apart. */
  public void throttled() {
    lock.lock();
    try {
      currentIntervalNanos = Math.min(currentIntervalNanos * 2, Math.max(SLOWEST_INTERVAL_NANOS, intervalNanos));
    } finally {
      lock.unlock();
    }
  }

  /** The cloud answered, other than 429: come back toward the set rate. */
  public void answered() {
    lock.lock();
    try {
      currentIntervalNanos = Math.max(intervalNanos, currentIntervalNanos - currentIntervalNanos / 10);
    } finally {
      lock.unlock();
    }
  }

  /** The spacing now, for tests and metrics. */
  public Duration currentInterval() {
    lock.lock();
    try {
      return Duration.ofNanos(currentIntervalNanos);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the cloud {@code operation} may go, through the endpoint's limiter if it has one. Following requests
   * in flight goes before starting new ones.
   *
   * @throws IdentityCenterException (UNAVAILABLE, nothing sent) when the wait is interrupted
   */
  public static void awaitTurn(Optional<CallRateLimiter> limiter, String operation) {
    if (limiter.isEmpty()) {
      return;
    }
    boolean finishesWork = CloudOperation.DESCRIBE_PROVISIONING.equals(operation)
        || CloudOperation.LIST_PROVISIONING.equals(operation);
    try {
      limiter.get().acquire(finishesWork ? Priority.FINISHES_WORK : Priority.STARTS_WORK);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null,
          "interrupted while waiting for the operator's own rate limit; the call was not sent", null, e);
    }
  }

  /** Waits until the call may go. The wait is short: it is the operator's own spacing, not the cloud's work. */
  public void acquire(Priority priority) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (priority == Priority.FINISHES_WORK) {
        finishersWaiting++;
      }
      try {
        while (true) {
          long now = nanoTime.getAsLong();
          boolean mayGo = priority == Priority.FINISHES_WORK || finishersWaiting == 0;
          if (mayGo && now - nextFree >= 0) {
            nextFree = (now - nextFree < currentIntervalNanos ? nextFree : now) + currentIntervalNanos;
            return;
          }
          turn.awaitNanos(mayGo ? nextFree - now : currentIntervalNanos);
        }
      } finally {
        if (priority == Priority.FINISHES_WORK) {
          finishersWaiting--;
        }
        turn.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }
}
