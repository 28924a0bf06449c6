package dev.operators.permissionset.identitycenter;

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
 * at the edge of one second would be counted against the next.
 */
public final class CallRateLimiter {

  /** Which calls go first when calls wait. */
  public enum Priority {
    FINISHES_WORK,
    STARTS_WORK
  }

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition turn = lock.newCondition();
  private long nextFree;
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
            nextFree = now + intervalNanos;
            return;
          }
          turn.awaitNanos(mayGo ? nextFree - now : intervalNanos);
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
