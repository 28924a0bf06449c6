package dev.operators.permissionset.reconciler;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Takes turns at provisioning a permission set. Identity Center answers a second provisioning of a permission set
 * with 409 while one is in progress, so per (instance, permission set) one resource at a time may have a request in
 * flight; the others wait, the longest waiting first, and the next is woken when the turn ends.
 *
 * <p>Resources are known by uid: a resource deleted and created again under the same name is another resource, and
 * starts at the back of the line. A turn lasts until the holder {@link #leave leaves} (it has nothing in flight) or
 * is deleted ({@link #leave} again, from the delete notification).
 *
 * <p>After a restart nothing is granted yet. The first resource to ask for a permission set's turn finds out from the
 * cached resources which ones have a request in flight (or an intent recorded) for it: each is a holder until it
 * leaves, and those holders are checked against the cache each time, since their turn was granted by a process that
 * no longer exists. A resource whose own status shows that it held the turn before the restart gets it back at once,
 * whoever else holds it: it must finish what it started, and must not lose its place. The cache is asked only that
 * first time: later, every turn of the permission set was granted here, and the cache may still show a resource that
 * just left as in flight, because its status write has not come back yet.
 */
final class PermissionSetTurns {

  /**
   * One line: a permission set of an instance, whichever connection the resources reach it through, since the
   * cloud's one-at-a-time rule is the instance's. Instance IDs are unique across clouds.
   */
  record Key(String instanceId, String permissionSetId) {

    String indexValue() {
      return instanceId + "/" + permissionSetId;
    }
  }

  /** A resource in a line: its uid, which it is known by, and where to wake it. */
  record Member(String uid, ResourceID resource) {
  }

  /**
   * The answer to a resource that asks for its turn.
   *
   * @param ahead how many wait before it
   * @param holdersUnconfirmed the resource is next, and every holder is known only from the cache: nobody here
   *     will see it leave, so the resource should ask again soon
   */
  record Turn(boolean granted, int ahead, boolean holdersUnconfirmed) {

    static Turn grant() {
      return new Turn(true, 0, false);
    }
  }

  /** What the cached resources say; the turns hold no resource themselves. */
  interface ResourceView {

    /** Whether the resource still exists: the cache has a resource of that name with that uid. */
    boolean exists(Member member);

    /** Whether the cache has another resource (another uid) under the resource's name: it was created again. */
    boolean replaced(Member member);

    /** Whether the resource, as cached, has a request in flight (or about to be) for this permission set. */
    boolean inFlight(Member member, Key key);

    /** The cached resources with a request in flight, or about to be, for this permission set. */
    List<Member> inFlight(Key key);
  }

  private static final class Line {
    /** Holders granted here, and whether each is known only from the cache. */
    private final Map<Member, Boolean> holders = new HashMap<>();
    private final Map<Member, Instant> waiting = new HashMap<>();

    private boolean empty() {
      return holders.isEmpty() && waiting.isEmpty();
    }
  }

  private final Map<Key, Line> lines = new HashMap<>();
  private final Map<String, Key> lineOf = new HashMap<>();
  private final Set<Key> askedCache = new HashSet<>();
  /** Holders deleted while the cloud still works on their request: they hold until {@link #leave} all the same. */
  private final Set<String> deletedButBusy = new HashSet<>();
  private final Consumer<ResourceID> wakeUp;
  private ResourceView resources;

  PermissionSetTurns(Consumer<ResourceID> wakeUp) {
    this.wakeUp = wakeUp;
  }

  synchronized void watch(ResourceView resources) {
    this.resources = resources;
  }

  /**
   * Grants the turn for {@code key} to the resource if nobody holds it and nobody has waited longer, or if the
   * resource held it before; else keeps the resource in line.
   *
   * @param waitingSince since when the resource waits, as its status says, so the order survives restarts
   * @param heldBefore the resource's status shows that it held this turn (an intent recorded, or a request in
   *     flight) and had not given it up
   */
  Turn take(Key key, Member member, Instant waitingSince, boolean heldBefore) {
    Optional<ResourceID> next;
    Turn turn;
    synchronized (this) {
      Key current = lineOf.get(member.uid());
      next = current != null && !current.equals(key) ? remove(member.uid()) : Optional.empty();
      turn = takeIn(key, member, waitingSince, heldBefore);
    }
    next.ifPresent(wakeUp);
    return turn;
  }

  private Turn takeIn(Key key, Member member, Instant waitingSince, boolean heldBefore) {
    Line line = lines.computeIfAbsent(key, k -> new Line());
    lineOf.put(member.uid(), key);
    if (askedCache.add(key)) {
      resources.inFlight(key).stream().filter(holder -> !holder.equals(member)).forEach(holder -> {
        line.holders.putIfAbsent(holder, true);
        lineOf.putIfAbsent(holder.uid(), key);
      });
    }
    line.holders.entrySet().removeIf(holder -> !holder.getKey().equals(member) && !holds(holder.getKey(),
        holder.getValue(), key));
    if (line.holders.containsKey(member) || heldBefore) {
      line.waiting.remove(member);
      line.holders.put(member, false);
      return Turn.grant();
    }
    line.waiting.putIfAbsent(member, waitingSince);
    line.waiting.keySet().removeIf(waiter -> !waiter.equals(member) && !resources.exists(waiter));
    Instant since = line.waiting.get(member);
    int ahead = (int) line.waiting.entrySet().stream()
        .filter(e -> isBefore(e.getKey(), e.getValue(), member, since))
        .count();
    if (line.holders.isEmpty() && ahead == 0) {
      line.waiting.remove(member);
      line.holders.put(member, false);
      return Turn.grant();
    }
    boolean holdersUnconfirmed = ahead == 0 && line.holders.values().stream().allMatch(fromCache -> fromCache);
    return new Turn(false, ahead, holdersUnconfirmed);
  }

  /**
   * The resource was deleted while a request it made may still be in flight: it holds the turn, though it no longer
   * exists (also when it was waiting: its request may have been made before a restart), until it {@link #leave
   * leaves} when the request finishes or none is found.
   */
  synchronized void deletedWhileBusy(String uid) {
    Key key = lineOf.get(uid);
    if (key == null) {
      return;
    }
    deletedButBusy.add(uid);
    Line line = lines.get(key);
    line.waiting.keySet().stream().filter(waiter -> waiter.uid().equals(uid)).findFirst().ifPresent(waiter -> {
      line.waiting.remove(waiter);
      line.holders.put(waiter, false);
    });
  }

  /**
   * The resource has nothing in flight any more, or was deleted: it leaves its line, and if the turn is free, the
   * next in line is woken.
   */
  void leave(String uid) {
    Optional<ResourceID> next;
    synchronized (this) {
      next = remove(uid);
    }
    next.ifPresent(wakeUp);
  }

  private Optional<ResourceID> remove(String uid) {
    deletedButBusy.remove(uid);
    Key key = lineOf.remove(uid);
    if (key == null) {
      return Optional.empty();
    }
    Line line = lines.get(key);
    line.holders.keySet().removeIf(holder -> holder.uid().equals(uid));
    line.waiting.keySet().removeIf(waiter -> waiter.uid().equals(uid));
    if (line.empty()) {
      lines.remove(key);
    }
    if (!line.holders.isEmpty()) {
      return Optional.empty();
    }
    return line.waiting.entrySet().stream()
        .min(Comparator.<Map.Entry<Member, Instant>, Instant>comparing(Map.Entry::getValue)
            .thenComparing(e -> e.getKey().uid()))
        .map(e -> e.getKey().resource());
  }

  /** Resources in a line, holding or waiting: what the turns remember, for tests of their bounds. */
  synchronized int size() {
    return lineOf.size() + deletedButBusy.size();
  }

  /** Holders of the permission set's turn now, for tests of the one-at-a-time rule. */
  synchronized Set<String> holders(Key key) {
    Line line = lines.get(key);
    Set<String> uids = new HashSet<>();
    if (line != null) {
      line.holders.keySet().forEach(holder -> uids.add(holder.uid()));
    }
    return uids;
  }

  private boolean holds(Member holder, boolean fromCache, Key key) {
    if (deletedButBusy.contains(holder.uid())) {
      return true;
    }
    if (!resources.exists(holder)) {
      // the cache can show a resource created again under the holder's name before the holder's delete notification
      // comes: until it comes (and ends the turn, or keeps it while a request runs) the holder keeps it
      if (!fromCache && resources.replaced(holder)) {
        return true;
      }
      lineOf.remove(holder.uid(), key);
      return false;
    }
    boolean holds = !fromCache || resources.inFlight(holder, key);
    if (!holds) {
      lineOf.remove(holder.uid(), key);
    }
    return holds;
  }

  private static boolean isBefore(Member other, Instant otherSince, Member member, Instant since) {
    if (other.equals(member)) {
      return false;
    }
    int bySince = otherSince.compareTo(since);
    return bySince < 0 || (bySince == 0 && other.uid().compareTo(member.uid()) < 0);
  }
}
