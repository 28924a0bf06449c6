package dev.operators.permissionset.reconciler;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Provision calls whose intent this process recorded and that it has not sent, or that the cloud certainly
 * refused: the only ones it may send without first asking the cloud whether an earlier attempt got through.
 * Kept in memory on purpose: after a restart every recorded intent is uncertain.
 */
final class UnsentProvisions {

  private final Set<String> unsent = ConcurrentHashMap.newKeySet();

  void add(String uid, long generation) {
    unsent.add(key(uid, generation));
  }

  /** Whether the call may be sent without asking the cloud; from now on it counts as sent. */
  boolean take(String uid, long generation) {
    return unsent.remove(key(uid, generation));
  }

  /** Whether the call is known not to be in flight: recorded and not sent, or certainly refused. */
  boolean contains(String uid, long generation) {
    return unsent.contains(key(uid, generation));
  }

  /** Every intent of the resource, which was deleted. */
  void forget(String uid) {
    unsent.removeIf(key -> key.startsWith(uid + "@"));
  }

  private static String key(String uid, long generation) {
    return uid + "@" + generation;
  }
}
