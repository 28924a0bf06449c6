package dev.operators.permissionset.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The order of a provisioning list as its created dates show it, page after page. The API does not document the
 * order, so a reader may stop early only once the dates it has read prove the list newest-first: then every item
 * still to come was created before the last one read. Until then, and on a list without dates, it reads on.
 */
final class ListOrder {

  /** How far apart the operator's clock and the cloud's may be, and how loosely the cloud may sort by date. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private Instant last;
  private boolean newer;
  private boolean older;
  private boolean undated;

  void saw(Optional<Instant> createdAt) {
    if (createdAt.isEmpty()) {
      undated = true;
      return;
    }
    Instant created = createdAt.get();
    if (last != null) {
      newer |= created.isAfter(last);
      older |= created.isBefore(last);
    }
    last = created;
  }

  /**
   * Whether everything still to come was created before {@code instant} minus {@link #CLOCK_SKEW}: the list is
   * newest-first so far and the last item read is older than that.
   */
  boolean restIsOlderThan(Instant instant) {
    return older && !newer && !undated && last.isBefore(instant.minus(CLOCK_SKEW));
  }
}
