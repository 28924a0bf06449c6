package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.config.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to look again. Both delays grow with how long the current state has lasted, read from status, so the
 * schedule needs no memory of its own and survives restarts of the operator.
 */
public class ProvisioningSchedule {

  /** Huawei's advice for its gateway's 429: wait at least 2 to 5 seconds. */
  static final Duration MIN_THROTTLED_DELAY = Duration.ofSeconds(2);
  /** The longest Retry-After honoured when the longest retry interval is shorter. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);
  /** Credentials and permissions are fixed by people, outside the cluster: no point in asking often. */
  static final Duration MIN_SLOW_RETRY_DELAY = Duration.ofSeconds(30);

  /** The first look again for something the cloud did not know; the waits double from there... */
  static final Duration FIRST_LOOK_AGAIN = Duration.ofMinutes(1);
  /** ...up to this. */
  static final Duration MAX_LOOK_AGAIN = Duration.ofMinutes(30);

  private static final Duration MIN_WAIT = Duration.ofMillis(100);

  private final Timing timing;

  public ProvisioningSchedule(Timing timing) {
    this.timing = timing;
  }

  /** As long as the failure has lasted, between the retry bounds: the waits double. */
  public Duration nextRetry(Instant failingSince, Instant now) {
    return jitter(clamp(Duration.between(failingSince, now), timing.retryInitial(), timing.retryMax()));
  }

  /**
   * At least what the cloud asks in Retry-After, but no more than the longest retry interval or
   * {@link #MAX_RETRY_AFTER}, whichever is longer: a Retry-After of years is a broken header, not a plan.
   */
  public Duration nextRetryWhenThrottled(Instant failingSince, Instant now, Optional<Duration> retryAfter) {
    Duration delay = nextRetry(failingSince, now);
    Duration ceiling = timing.retryMax().compareTo(MAX_RETRY_AFTER) > 0 ? timing.retryMax() : MAX_RETRY_AFTER;
    Duration floor = retryAfter.filter(d -> d.compareTo(MIN_THROTTLED_DELAY) > 0)
        .map(d -> d.compareTo(ceiling) > 0 ? ceiling : d).orElse(MIN_THROTTLED_DELAY);
    return delay.compareTo(floor) < 0 ? jitter(floor) : delay;
  }

  /** Whether a request made at {@code requestedAt} has been in flight for longer than it should ever take. */
  public boolean overdue(Instant requestedAt, Instant now) {
    return Duration.between(requestedAt, now).compareTo(timing.provisioningTimeout()) > 0;
  }

  public Duration provisioningTimeout() {
    return timing.provisioningTimeout();
  }

  /**
   * A resource waiting for its turn at a permission set, or for its request to finish, is woken when that happens;
   * this is only a backstop.
   */
  public Duration nextBackstopCheck() {
    return jitter(timing.pollMax());
  }

  /**
   * The next in line for a permission set whose holder is known only from the cache (its turn began before the
   * operator restarted) asks again at the pace of a new request's first poll.
   */
  public Duration nextUnconfirmedTurnCheck() {
    return jitter(timing.pollInitial());
  }

  public Duration firstLookAgain() {
    return FIRST_LOOK_AGAIN;
  }

  /** As long as the cloud has not known it, between a minute and half an hour: the waits double. */
  public Duration nextLookAgain(Instant notFoundSince, Instant now) {
    return jitter(clamp(Duration.between(notFoundSince, now), FIRST_LOOK_AGAIN, MAX_LOOK_AGAIN));
  }

  /** From now until {@code at}, and at least a moment, so that a time just past is not a busy loop. */
  public Duration until(Instant at, Instant now) {
    Duration left = Duration.between(now, at);
    return left.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : left;
  }

  public Timing timing() {
    return timing;
  }

  public Duration nextSlowRetry(Instant failingSince, Instant now) {
    Duration floor = MIN_SLOW_RETRY_DELAY.compareTo(timing.retryMax()) < 0 ? MIN_SLOW_RETRY_DELAY : timing.retryMax();
    return jitter(clamp(Duration.between(failingSince, now), floor, timing.retryMax()));
  }

  private static Duration clamp(Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0) {
      return min;
    }
    return value.compareTo(max) > 0 ? max : value;
  }

  /** Up to a fifth more, so resources that failed together do not come back together. */
  private static Duration jitter(Duration delay) {
    long extra = ThreadLocalRandom.current().nextLong(delay.toMillis() / 5 + 1);
    return delay.plusMillis(extra);
  }
}
