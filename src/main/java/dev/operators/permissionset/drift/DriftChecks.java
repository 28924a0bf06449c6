package dev.operators.permissionset.drift;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cloud, for each {@link DriftGroup} that settled resources watch, which accounts hold an out-of-date copy
 * of the permission set: every {@code interval}, the groups' first checks spread over one interval so that they do
 * not bunch, and soon after each provisioning of the group. The checks run on their own thread, never on a reconcile
 * thread; each answer is kept for the group and wakes its resources, which read it in their next reconcile. A group
 * is forgotten with its last resource.
 */
public final class DriftChecks implements AutoCloseable {

  /** Asks the cloud: every page of the group's out-of-date accounts. */
  @FunctionalInterface
  public interface Source {

    /**
     * @throws DriftCheckException when the check cannot be made; its message says why, for the UpToDate condition
     */
    List<String> outOfDateAccounts(DriftGroup group);
  }

  /** Told of each check's outcome, for metrics. */
  @FunctionalInterface
  public interface Observer {

    void checked(DriftGroup group, DriftFinding finding);
  }

  private static final Logger LOG = LoggerFactory.getLogger(DriftChecks.class);

  private final class Group {
    final DriftGroup key;
    final Set<String> members = new HashSet<>();
    Optional<DriftFinding> latest = Optional.empty();
    ScheduledFuture<?> next;
    Instant nextAt;
    boolean running;
    boolean againWhenDone;

    Group(DriftGroup key) {
      this.key = key;
    }
  }

  private final Map<DriftGroup, Group> groups = new HashMap<>();
  private final Map<String, DriftGroup> groupOf = new HashMap<>();
  private final Map<String, ResourceID> resourceOf = new HashMap<>();
  private final ScheduledExecutorService checker;
  private final Clock clock;
  private final Duration interval;
  private final Duration afterProvisioning;
  private final Source source;
  private final Observer observer;
  private final Consumer<ResourceID> wakeUp;
  private final Random spread;

  /**
   * @param interval how often each group is checked
   * @param afterProvisioning how long after a provisioning finished its group is checked, giving the cloud's lists
   *     time to show it
   * @param seed the seed of the spread of first checks, for repeatable tests
   */
  public DriftChecks(Clock clock, Duration interval, Duration afterProvisioning, Source source, Observer observer,
      Consumer<ResourceID> wakeUp, long seed) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.afterProvisioning = Objects.requireNonNull(afterProvisioning, "afterProvisioning");
    this.source = Objects.requireNonNull(source, "source");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.wakeUp = Objects.requireNonNull(wakeUp, "wakeUp");
    this.spread = new Random(seed);
    this.checker = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "drift-check");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The resource watches the group (and no other) from now on.
   *
   * @return what the group's last check found, empty before its first
   */
  public synchronized Optional<DriftFinding> watch(String uid, ResourceID resource, DriftGroup key) {
    DriftGroup before = groupOf.put(uid, key);
    resourceOf.put(uid, resource);
    if (before != null && !before.equals(key)) {
      leave(uid, before);
    }
    Group group = groups.computeIfAbsent(key, Group::new);
    if (group.members.add(uid) && group.next == null && !group.running) {
      long offsetMillis = (long) (spread.nextDouble() * interval.toMillis());
      schedule(group, Duration.ofMillis(offsetMillis));
    }
    return group.latest;
  }

  /** What the group's last check found, empty before its first. */
  public synchronized Optional<DriftFinding> latest(DriftGroup key) {
    Group group = groups.get(key);
    return group == null ? Optional.empty() : group.latest;
  }

  /** The resource watches nothing any more: it is deleted, or no longer settled and Ready. */
  public synchronized void unwatch(String uid) {
    DriftGroup key = groupOf.remove(uid);
    resourceOf.remove(uid);
    if (key != null) {
      leave(uid, key);
    }
  }

  /** A provisioning of the group finished: it is checked soon, whenever its next check was due. */
  public synchronized void checkSoon(DriftGroup key) {
    Group group = groups.computeIfAbsent(key, Group::new);
    if (group.running) {
      group.againWhenDone = true;
      return;
    }
    Instant soon = clock.instant().plus(afterProvisioning);
    if (group.next == null || group.nextAt.isAfter(soon)) {
      schedule(group, afterProvisioning);
    }
  }

  /** Groups watched or about to be checked: for tests of its bounds. */
  public synchronized int size() {
    return groups.size();
  }

  private void leave(String uid, DriftGroup key) {
    Group group = groups.get(key);
    if (group == null) {
      return;
    }
    group.members.remove(uid);
    if (group.members.isEmpty() && !group.running) {
      if (group.next != null) {
        group.next.cancel(false);
      }
      groups.remove(key);
    }
  }

  private void schedule(Group group, Duration after) {
    if (group.next != null) {
      group.next.cancel(false);
    }
    group.nextAt = clock.instant().plus(after);
    try {
      group.next = checker.schedule(() -> check(group), after.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      group.next = null;
    }
  }

  private void check(Group group) {
    synchronized (this) {
      if (groups.get(group.key) != group) {
        return;
      }
      group.next = null;
      group.running = true;
    }
    DriftFinding finding;
    try {
      finding = new DriftFinding.Checked(clock.instant(), source.outOfDateAccounts(group.key));
    } catch (DriftCheckException e) {
      finding = new DriftFinding.Failed(clock.instant(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("The drift check of permission set {} failed unexpectedly", group.key.permissionSetId(), e);
      finding = new DriftFinding.Failed(clock.instant(), "the check failed unexpectedly; see the operator's log");
    }
    observer.checked(group.key, finding);
    List<ResourceID> toWake;
    synchronized (this) {
      group.running = false;
      group.latest = Optional.of(finding);
      if (group.members.isEmpty() && !group.againWhenDone) {
        groups.remove(group.key);
        return;
      }
      schedule(group, group.againWhenDone ? afterProvisioning : interval);
      group.againWhenDone = false;
      toWake = group.members.stream().map(resourceOf::get).filter(Objects::nonNull).toList();
    }
    toWake.forEach(wakeUp);
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
