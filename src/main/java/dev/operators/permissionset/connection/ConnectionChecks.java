package dev.operators.permissionset.connection;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the read-only call a connection is checked with off the reconcile threads, and keeps each connection's last
 * result; the connection is woken when its check answers.
 */
final class ConnectionChecks implements AutoCloseable {

  /**
   * @param fingerprint what was checked: the connection's generation and its Secret's version
   * @param failuresInARow checks of the connection that failed on something passing, this one the last
   */
  record Check(String fingerprint, ConnectionState state, Instant at, int failuresInARow) {

    private static boolean passing(ConnectionState state) {
      return state instanceof ConnectionState.Unusable unusable && !unusable.personMustAct();
    }
  }

  private final Map<ConnectionKey, Check> done = new HashMap<>();
  private final Set<ConnectionKey> running = new HashSet<>();
  private final ExecutorService checkers;
  private final Clock clock;
  private final Consumer<ResourceID> wakeUp;

  ConnectionChecks(Clock clock, Consumer<ResourceID> wakeUp) {
    AtomicInteger count = new AtomicInteger();
    this.checkers = Executors.newFixedThreadPool(2, task -> {
      Thread thread = new Thread(task, "connection-check-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.clock = clock;
    this.wakeUp = wakeUp;
  }

  synchronized Optional<Check> last(ConnectionKey key) {
    return Optional.ofNullable(done.get(key));
  }

  /** Starts a check unless one of the connection runs. */
  synchronized void start(ConnectionKey key, String fingerprint, Supplier<ConnectionState> check) {
    if (!running.add(key)) {
      return;
    }
    try {
      checkers.execute(() -> {
        ConnectionState state = check.get();
        synchronized (this) {
          if (!running.remove(key)) {
            return;
          }
          Check before = done.get(key);
          int failures = !Check.passing(state) ? 0 : before == null ? 1 : before.failuresInARow() + 1;
          done.put(key, new Check(fingerprint, state, clock.instant(), failures));
        }
        wakeUp.accept(key.resourceId());
      });
    } catch (RejectedExecutionException e) {
      running.remove(key);
    }
  }

  synchronized void forget(ConnectionKey key) {
    done.remove(key);
    running.remove(key);
  }

  @Override
  public void close() {
    checkers.shutdownNow();
  }
}
