package dev.operators.permissionset.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Takes turns at provisioning a permission set. Identity Center answers a second provisioning of a permission set
 * with 409 while one is in progress, so per (instance, permission set) one resource at a time may have a request in
 * flight; the others wait, the longest waiting first, and the next is woken when the turn ends.
 *
 * <p>A turn this process granted lasts until {@link #leave} (the reconciler calls it once the resource has nothing
 * in flight). After a restart nothing is granted yet, so the first resource to ask for a permission set's turn finds
 * out from the cached resources whether another one already has a request in flight; such a holder is checked
 * against the cache each time, since its turn was granted by a process that no longer exists. The cache is asked
 * only that first time: later, every turn of the permission set was granted here, and the cache may still show a
 * resource that just left as in flight, because its status write has not come back yet.
 */
final class PermissionSetTurns {

  /** One line: a permission set of an instance. */
  record Key(String instanceId, String permissionSetId) {

    String indexValue() {
      return instanceId + "/" + permissionSetId;
    }
  }

  /**
   * The answer to a resource that asks for its turn.
   *
   * @param nextButHolderUnconfirmed the resource is next, and the holder is known only from the cache: nobody here
   *     will see it leave, so the resource should ask again soon
   */
  record Turn(boolean granted, Optional<ResourceID> holder, int ahead, boolean nextButHolderUnconfirmed) {
  }

  /** What the cached resources say; the turns hold no resource themselves. */
  interface ResourceView {

    boolean exists(ResourceID resource);

    /** Whether the resource, as cached, has a request in flight (or about to be) for this permission set. */
    boolean inFlight(ResourceID resource, Key key);

    /** A cached resource other than {@code except} with a request in flight for this permission set. */
    Optional<ResourceID> anyInFlight(Key key, ResourceID except);
  }

  private static final class Line {
    private ResourceID holder;
    private boolean holderFromCache;
    private final Map<ResourceID, Instant> waiting = new HashMap<>();
  }

  private final Map<Key, Line> lines = new HashMap<>();
  private final Map<ResourceID, Key> lineOf = new HashMap<>();
  private final Set<Key> askedCache = new HashSet<>();
  private final Consumer<ResourceID> wakeUp;
  private ResourceView resources;

  PermissionSetTurns(Consumer<ResourceID> wakeUp) {
    this.wakeUp = wakeUp;
  }

  synchronized void watch(ResourceView resources) {
    this.resources = resources;
  }

  /**
   * Grants the turn for {@code key} to {@code resource} if nobody has it and nobody has waited longer, or keeps the
   * resource in line.
   *
   * @param waitingSince since when the resource waits, as its status says, so the order survives restarts
   */
  synchronized Turn take(Key key, ResourceID resource, Instant waitingSince) {
    Key current = lineOf.get(resource);
    if (current != null && !current.equals(key)) {
      next(resource).ifPresent(wakeUp);
    }
    Line line = lines.computeIfAbsent(key, k -> new Line());
    lineOf.put(resource, key);
    if (line.holder == null && askedCache.add(key)) {
      resources.anyInFlight(key, resource).ifPresent(other -> {
        line.holder = other;
        line.holderFromCache = true;
        lineOf.putIfAbsent(other, key);
      });
    } else if (line.holder != null && !line.holder.equals(resource) && !holds(line, key)) {
      line.holder = null;
    }
    if (resource.equals(line.holder)) {
      line.holderFromCache = false;
      return granted(resource);
    }
    line.waiting.putIfAbsent(resource, waitingSince);
    line.waiting.keySet().removeIf(waiter -> !waiter.equals(resource) && !resources.exists(waiter));
    Instant since = line.waiting.get(resource);
    int ahead = (int) line.waiting.entrySet().stream().filter(e -> isBefore(e.getKey(), e.getValue(), resource, since))
        .count();
    if (line.holder == null && ahead == 0) {
      line.waiting.remove(resource);
      line.holder = resource;
      line.holderFromCache = false;
      return granted(resource);
    }
    return new Turn(false, Optional.ofNullable(line.holder), ahead, ahead == 0 && line.holderFromCache);
  }

  private static Turn granted(ResourceID resource) {
    return new Turn(true, Optional.of(resource), 0, false);
  }

  /** The resource has nothing in flight any more: it leaves its line, and the next in line is woken. */
  void leave(ResourceID resource) {
    next(resource).ifPresent(wakeUp);
  }

  private synchronized Optional<ResourceID> next(ResourceID leaving) {
    Key key = lineOf.remove(leaving);
    if (key == null) {
      return Optional.empty();
    }
    Line line = lines.get(key);
    if (leaving.equals(line.holder)) {
      line.holder = null;
    }
    line.waiting.remove(leaving);
    if (line.holder == null && line.waiting.isEmpty()) {
      lines.remove(key);
    }
    if (line.holder != null) {
      return Optional.empty();
    }
    return line.waiting.entrySet().stream()
        .min(Comparator.<Map.Entry<ResourceID, Instant>, Instant>comparing(Map.Entry::getValue)
            .thenComparing(e -> e.getKey().toString()))
        .map(Map.Entry::getKey);
  }

  /** Resources in a line, holding or waiting: what the turns remember, for tests of their bounds. */
  synchronized int size() {
    return lineOf.size();
  }

  private boolean holds(Line line, Key key) {
    if (!resources.exists(line.holder)) {
      return false;
    }
    return !line.holderFromCache || resources.inFlight(line.holder, key);
  }

  private static boolean isBefore(ResourceID other, Instant otherSince, ResourceID resource, Instant since) {
    if (other.equals(resource)) {
      return false;
    }
    int bySince = otherSince.compareTo(since);
    return bySince < 0 || (bySince == 0 && other.toString().compareTo(resource.toString()) < 0);
  }
}
