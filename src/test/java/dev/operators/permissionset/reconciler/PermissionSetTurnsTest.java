package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Member;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import dev.operators.permissionset.testing.Randomized;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class PermissionSetTurnsTest {

  private static final Key KEY = new Key("ins-1", "ps-1");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Member A = member("a", "uid-a");
  private static final Member B = member("b", "uid-b");
  private static final Member C = member("c", "uid-c");

  private static Member member(String name, String uid) {
    return new Member(uid, new ResourceID(name, "ns"));
  }

  /** The informer cache as the turns see it: which resources exist and which show a request in flight. */
  private static final class Cache implements PermissionSetTurns.ResourceView {

    private final Set<Member> existing = new HashSet<>(List.of(A, B, C));
    private final Map<Member, Key> inFlight = new HashMap<>();

    @Override
    public boolean exists(Member member) {
      return existing.contains(member);
    }

    @Override
    public boolean replaced(Member member) {
      return existing.stream().anyMatch(other -> other.resource().equals(member.resource())
          && !other.uid().equals(member.uid()));
    }

    @Override
    public boolean inFlight(Member member, Key key) {
      return key.equals(inFlight.get(member));
    }

    @Override
    public List<Member> inFlight(Key key) {
      return inFlight.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).toList();
    }
  }

  private final Cache cache = new Cache();
  private final List<ResourceID> woken = new ArrayList<>();
  private final PermissionSetTurns turns = new PermissionSetTurns(woken::add);

  PermissionSetTurnsTest() {
    turns.watch(cache);
  }

  private Turn take(Member member, Instant since) {
    return turns.take(KEY, member, since, false);
  }

  @Test
  void theNextInLineGetsTheTurnWhileTheCacheStillShowsTheLeaverInFlight() {
    assertThat(take(A, T0).granted()).isTrue();
    cache.inFlight.put(A, KEY);
    assertThat(take(B, T0.plusSeconds(1)).granted()).isFalse();

    // the request finished: the tracker ends the turn before A's status write reaches the cache
    turns.leave(A.uid());

    assertThat(woken).containsExactly(B.resource());
    assertThat(take(B, T0.plusSeconds(1)).granted()).isTrue();
  }

  @Test
  void waitersAreWokenAndServedInTheOrderTheyStartedWaiting() {
    take(A, T0);
    Turn c = take(C, T0.plusSeconds(1));
    Turn b = take(B, T0.plusSeconds(2));
    assertThat(c.ahead()).isZero();
    assertThat(b.ahead()).isEqualTo(1);

    turns.leave(A.uid());
    assertThat(take(B, T0.plusSeconds(2)).granted()).as("B is behind C").isFalse();
    assertThat(take(C, T0.plusSeconds(1)).granted()).isTrue();
    turns.leave(C.uid());

    assertThat(woken).containsExactly(C.resource(), B.resource());
    assertThat(take(B, T0.plusSeconds(2)).granted()).isTrue();
    turns.leave(B.uid());
    assertThat(turns.size()).as("nothing remembered once every line is empty").isZero();
  }

  @Test
  void afterARestartEveryResourceTheCacheShowsInFlightHoldsTheTurn() {
    cache.inFlight.put(A, KEY);
    cache.inFlight.put(B, KEY);

    Turn waiting = take(C, T0);
    assertThat(waiting.granted()).isFalse();
    assertThat(waiting.holdersUnconfirmed()).as("nobody here will see A and B leave for sure").isTrue();
    assertThat(turns.holders(KEY)).containsExactlyInAnyOrder(A.uid(), B.uid());

    turns.leave(A.uid());
    assertThat(take(C, T0).granted()).as("B still has a request in flight").isFalse();
    turns.leave(B.uid());
    assertThat(woken).containsExactly(C.resource());
    assertThat(take(C, T0).granted()).isTrue();
  }

  @Test
  void aResourceThatHeldTheTurnBeforeARestartGetsItBackAheadOfTheLine() {
    cache.inFlight.put(B, KEY);
    assertThat(take(C, T0).granted()).isFalse();

    // A's intent was written while it held the turn; its request may have finished before its answer was recorded
    assertThat(turns.take(KEY, A, T0.plusSeconds(60), true).granted()).isTrue();
  }

  @Test
  void aHolderFromTheCacheThatFinishedUnseenIsDroppedWhenTheNextAsksAgain() {
    cache.inFlight.put(A, KEY);
    assertThat(take(B, T0).granted()).isFalse();

    cache.inFlight.remove(A);

    assertThat(take(B, T0).granted()).isTrue();
  }

  @Test
  void aDeletedHolderLeavesAtOnceAndTheNextIsWoken() {
    take(A, T0);
    assertThat(take(B, T0).granted()).isFalse();

    cache.existing.remove(A);
    turns.leave(A.uid());

    assertThat(woken).containsExactly(B.resource());
    assertThat(take(B, T0).granted()).isTrue();
  }

  @Test
  void aHolderDeletedWhileItsRequestIsInFlightKeepsTheTurnUntilTheRequestFinishes() {
    take(A, T0);
    assertThat(take(B, T0).granted()).isFalse();

    cache.existing.remove(A);
    turns.deletedWhileBusy(A.uid());

    assertThat(take(B, T0).granted()).as("the cloud still provisions A's request").isFalse();
    turns.leave(A.uid());
    assertThat(woken).containsExactly(B.resource());
    assertThat(take(B, T0).granted()).isTrue();
    turns.leave(B.uid());
    assertThat(turns.size()).isZero();
  }

  @Test
  void aWaiterDeletedWithARequestThatMayBeInFlightHoldsTheTurnUntilItIsKnown() {
    take(A, T0);
    assertThat(take(B, T0).granted()).isFalse();
    assertThat(take(C, T0.plusSeconds(1)).granted()).isFalse();

    cache.existing.remove(B);
    turns.deletedWhileBusy(B.uid());
    turns.leave(A.uid());

    assertThat(take(C, T0.plusSeconds(1)).granted()).as("B's request may be running").isFalse();
    turns.leave(B.uid());
    assertThat(take(C, T0.plusSeconds(1)).granted()).isTrue();
  }

  @Test
  void aResourceCreatedAgainUnderTheSameNameIsAnotherResource() {
    take(A, T0);
    Member again = member("a", "uid-a-2");
    cache.existing.remove(A);
    cache.existing.add(again);

    Turn waits = take(again, T0.plusSeconds(5));

    assertThat(waits.granted()).as("the cache shows the new resource before the old one's delete notification: "
        + "the old holder keeps the turn until it comes, as a request of it may still run").isFalse();
    turns.leave(A.uid());
    assertThat(woken).contains(again.resource());
    assertThat(take(again, T0.plusSeconds(5)).granted()).isTrue();
    assertThat(turns.holders(KEY)).containsExactly(again.uid());
    turns.leave(A.uid());
    assertThat(turns.holders(KEY)).as("the old uid leaving again does not end the new resource's turn")
        .containsExactly(again.uid());
  }

  @Test
  void aHolderGoneFromTheCacheWithoutASuccessorLetsGo() {
    take(A, T0);
    cache.existing.remove(A);

    assertThat(take(B, T0.plusSeconds(5)).granted()).isTrue();
  }

  @Test
  void aResourceThatMovesToAnotherPermissionSetLeavesItsFirstLine() {
    Key other = new Key("ins-1", "ps-2");
    take(A, T0);
    take(B, T0.plusSeconds(1));

    assertThat(turns.take(other, A, T0, false).granted()).isTrue();

    assertThat(woken).containsExactly(B.resource());
    assertThat(take(B, T0.plusSeconds(1)).granted()).isTrue();
  }

  /**
   * No path holds a turn for ever: whatever happened before, once every holder left or was deleted, the waiter that
   * has waited longest is woken and gets the turn, and at most one resource holds a turn this process granted.
   */
  @Test
  void noScheduleLeavesATurnHeldForEver(TestInfo test) {
    Randomized.check(test, 300, random -> schedule(random, 40), steps -> {
      Cache view = new Cache();
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        members.add(member("r" + i, "uid-" + i));
      }
      view.existing.clear();
      view.existing.addAll(members);
      List<ResourceID> wakes = new ArrayList<>();
      PermissionSetTurns line = new PermissionSetTurns(wakes::add);
      line.watch(view);
      Map<Member, Instant> since = new HashMap<>();
      for (int[] step : steps) {
        Member member = members.get(step[1]);
        Instant at = T0.plusSeconds(step[2]);
        switch (step[0]) {
          case 0 -> line.take(KEY, member, since.computeIfAbsent(member, m -> at), false);
          case 1 -> line.leave(member.uid());
          default -> {
            view.existing.remove(member);
            line.leave(member.uid());
            Member again = member("r" + step[1], member.uid() + "'");
            view.existing.add(again);
            members.set(step[1], again);
          }
        }
        assertThat(line.holders(KEY)).hasSizeLessThanOrEqualTo(1);
      }
      for (int round = 0; round <= members.size() && line.size() > 0; round++) {
        line.holders(KEY).forEach(line::leave);
        for (Member member : members) {
          if (since.containsKey(member) && line.size() > 0) {
            Turn turn = line.take(KEY, member, since.get(member), false);
            if (turn.granted()) {
              line.leave(member.uid());
              since.remove(member);
            }
          }
        }
      }
      assertThat(line.size()).as("every waiter got its turn once the holders left").isZero();
    });
  }

  private static List<int[]> schedule(RandomGenerator random, int length) {
    List<int[]> steps = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      int op = random.nextInt(10);
      steps.add(new int[] {op < 6 ? 0 : op < 9 ? 1 : 2, random.nextInt(6), random.nextInt(100)});
    }
    return steps;
  }
}
