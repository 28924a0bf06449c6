package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.reconciler.PermissionSetTurns.Key;
import dev.operators.permissionset.reconciler.PermissionSetTurns.Turn;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionSetTurnsTest {

  private static final Key KEY = new Key("ins-1", "ps-1");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ResourceID A = new ResourceID("a", "ns");
  private static final ResourceID B = new ResourceID("b", "ns");
  private static final ResourceID C = new ResourceID("c", "ns");

  /** The informer cache as the turns see it: which resources exist and which show a request in flight. */
  private static final class Cache implements PermissionSetTurns.ResourceView {

    private final Set<ResourceID> existing = new HashSet<>(List.of(A, B, C));
    private final Map<ResourceID, Key> inFlight = new HashMap<>();

    @Override
    public boolean exists(ResourceID resource) {
      return existing.contains(resource);
    }

    @Override
    public boolean inFlight(ResourceID resource, Key key) {
      return key.equals(inFlight.get(resource));
    }

    @Override
    public Optional<ResourceID> anyInFlight(Key key, ResourceID except) {
      return inFlight.entrySet().stream().filter(e -> e.getValue().equals(key) && !e.getKey().equals(except))
          .map(Map.Entry::getKey).findFirst();
    }
  }

  private final Cache cache = new Cache();
  private final List<ResourceID> woken = new ArrayList<>();
  private final PermissionSetTurns turns = new PermissionSetTurns(woken::add);

  PermissionSetTurnsTest() {
    turns.watch(cache);
  }

  @Test
  void theNextInLineGetsTheTurnWhileTheCacheStillShowsTheLeaverInFlight() {
    assertThat(turns.take(KEY, A, T0).granted()).isTrue();
    cache.inFlight.put(A, KEY);
    assertThat(turns.take(KEY, B, T0.plusSeconds(1)).granted()).isFalse();

    // the request finished: the tracker ends the turn before A's status write reaches the cache
    turns.leave(A);

    assertThat(woken).containsExactly(B);
    Turn turn = turns.take(KEY, B, T0.plusSeconds(1));
    assertThat(turn.granted()).isTrue();
    assertThat(turn.holder()).contains(B);
  }

  @Test
  void waitersAreWokenAndServedInTheOrderTheyStartedWaiting() {
    turns.take(KEY, A, T0);
    Turn c = turns.take(KEY, C, T0.plusSeconds(1));
    Turn b = turns.take(KEY, B, T0.plusSeconds(2));
    assertThat(c.ahead()).isZero();
    assertThat(b.ahead()).isEqualTo(1);
    assertThat(turns.take(KEY, B, T0.plusSeconds(2)).holder()).contains(A);

    turns.leave(A);
    assertThat(turns.take(KEY, B, T0.plusSeconds(2)).granted()).as("B is behind C").isFalse();
    assertThat(turns.take(KEY, C, T0.plusSeconds(1)).granted()).isTrue();
    turns.leave(C);

    assertThat(woken).containsExactly(C, B);
    assertThat(turns.take(KEY, B, T0.plusSeconds(2)).granted()).isTrue();
    turns.leave(B);
    assertThat(turns.size()).as("nothing remembered once every line is empty").isZero();
  }

  @Test
  void afterARestartAHolderFromTheCacheKeepsTheTurnUntilItsRequestEnds() {
    cache.inFlight.put(A, KEY);

    Turn waiting = turns.take(KEY, B, T0);
    assertThat(waiting.granted()).isFalse();
    assertThat(waiting.holder()).contains(A);
    assertThat(waiting.nextButHolderUnconfirmed()).as("nobody here will see A leave for sure").isTrue();
    assertThat(turns.take(KEY, C, T0.plusSeconds(1)).nextButHolderUnconfirmed()).as("C is not next").isFalse();

    turns.leave(A);
    assertThat(woken).containsExactly(B);
    assertThat(turns.take(KEY, B, T0).granted()).isTrue();
  }

  @Test
  void aHolderFromTheCacheThatFinishedUnseenIsDroppedWhenTheNextAsksAgain() {
    cache.inFlight.put(A, KEY);
    assertThat(turns.take(KEY, B, T0).granted()).isFalse();

    cache.inFlight.remove(A);

    assertThat(turns.take(KEY, B, T0).granted()).isTrue();
  }

  @Test
  void aDeletedHolderLosesItsTurn() {
    turns.take(KEY, A, T0);
    assertThat(turns.take(KEY, B, T0).granted()).isFalse();

    cache.existing.remove(A);

    assertThat(turns.take(KEY, B, T0).granted()).isTrue();
  }

  @Test
  void aResourceThatMovesToAnotherPermissionSetLeavesItsFirstLine() {
    Key other = new Key("ins-1", "ps-2");
    turns.take(KEY, A, T0);
    turns.take(KEY, B, T0.plusSeconds(1));

    assertThat(turns.take(other, A, T0).granted()).isTrue();

    assertThat(woken).containsExactly(B);
    assertThat(turns.take(KEY, B, T0.plusSeconds(1)).granted()).isTrue();
  }
}
