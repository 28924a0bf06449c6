package dev.operators.permissionset.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.connection.ConnectionKey;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DriftChecksTest {

  private static final DriftGroup READ_ONLY = new DriftGroup(ConnectionKey.cluster("default"), "ins-1", "ps-1");
  private static final DriftGroup ADMIN = new DriftGroup(ConnectionKey.cluster("default"), "ins-1", "ps-2");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Map<DriftGroup, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<DriftGroup, List<String>> outOfDate = new ConcurrentHashMap<>();
  private final List<ResourceID> woken = Collections.synchronizedList(new ArrayList<>());
  private final List<DriftFinding> observed = Collections.synchronizedList(new ArrayList<>());
  private DriftChecks checks;

  private DriftChecks start(Duration interval, Duration afterProvisioning) {
    checks = new DriftChecks(Clock.systemUTC(), interval, afterProvisioning, group -> {
      calls.computeIfAbsent(group, g -> new AtomicInteger()).incrementAndGet();
      if (group.equals(ADMIN)) {
        throw new DriftCheckException("ClusterIdentityCenterConnection/default is not Ready.");
      }
      return outOfDate.getOrDefault(group, List.of());
    }, (group, finding) -> observed.add(finding), woken::add, 42);
    return checks;
  }

  @AfterEach
  void stop() {
    checks.close();
  }

  private int callsOf(DriftGroup group) {
    return calls.getOrDefault(group, new AtomicInteger()).get();
  }

  @Test
  void oneCheckServesEveryResourceOfAPermissionSetAndWakesThemAll() {
    start(Duration.ofMillis(300), Duration.ofMillis(10));
    outOfDate.put(READ_ONLY, List.of("111122223333"));
    for (int i = 0; i < 100; i++) {
      checks.watch("uid-" + i, new ResourceID("r-" + i, "team"), READ_ONLY);
    }

    await().atMost(TIMEOUT).until(() -> checks.latest(READ_ONLY).isPresent());

    assertThat(callsOf(READ_ONLY)).isEqualTo(1);
    assertThat(checks.latest(READ_ONLY)).hasValueSatisfying(finding ->
        assertThat(((DriftFinding.Checked) finding).outOfDate("111122223333")).isTrue());
    await().atMost(TIMEOUT).until(() -> woken.size() >= 100);
    assertThat(woken).doesNotHaveDuplicates().hasSize(100);
  }

  @Test
  void aGroupIsCheckedEveryIntervalWhileWatched() {
    start(Duration.ofMillis(200), Duration.ofMillis(10));
    checks.watch("uid-1", new ResourceID("r-1", "team"), READ_ONLY);

    await().atMost(TIMEOUT).until(() -> callsOf(READ_ONLY) >= 3);
  }

  @Test
  void aProvisioningFinishedIsCheckedSoonWhateverTheInterval() {
    start(Duration.ofHours(1), Duration.ofMillis(10));
    checks.watch("uid-1", new ResourceID("r-1", "team"), READ_ONLY);
    checks.checkSoon(READ_ONLY);

    await().atMost(TIMEOUT).until(() -> callsOf(READ_ONLY) == 1);
    await().atMost(TIMEOUT).until(() -> woken.contains(new ResourceID("r-1", "team")));
  }

  @Test
  void aCheckThatCannotBeMadeIsAFindingThatSaysWhy() {
    start(Duration.ofHours(1), Duration.ofMillis(10));
    checks.watch("uid-1", new ResourceID("r-1", "team"), ADMIN);
    checks.checkSoon(ADMIN);

    await().atMost(TIMEOUT).until(() -> checks.latest(ADMIN).isPresent());

    assertThat(checks.latest(ADMIN)).hasValueSatisfying(finding -> assertThat(finding)
        .isEqualTo(new DriftFinding.Failed(finding.at(), "ClusterIdentityCenterConnection/default is not Ready.")));
    assertThat(observed).hasSize(1);
  }

  @Test
  void aGroupGoesWithItsLastResourceAndIsCheckedNoMore() throws InterruptedException {
    start(Duration.ofMillis(100), Duration.ofMillis(10));
    checks.watch("uid-1", new ResourceID("r-1", "team"), READ_ONLY);
    checks.watch("uid-2", new ResourceID("r-2", "team"), READ_ONLY);
    checks.watch("uid-2", new ResourceID("r-2", "team"), ADMIN);
    await().atMost(TIMEOUT).until(() -> callsOf(READ_ONLY) >= 1 && callsOf(ADMIN) >= 1);

    checks.unwatch("uid-1");
    checks.unwatch("uid-2");
    await().atMost(TIMEOUT).until(() -> checks.size() == 0);
    int after = callsOf(READ_ONLY) + callsOf(ADMIN);
    Thread.sleep(400);

    assertThat(callsOf(READ_ONLY) + callsOf(ADMIN)).isEqualTo(after);
    assertThat(checks.latest(READ_ONLY)).isEqualTo(Optional.empty());
  }

  @Test
  void firstChecksOfManyGroupsSpreadOverTheInterval() {
    start(Duration.ofSeconds(10), Duration.ofMillis(10));
    for (int i = 0; i < 40; i++) {
      checks.watch("uid-" + i, new ResourceID("r-" + i, "team"), new DriftGroup(ConnectionKey.cluster("default"),
          "ins-1", "ps-" + i));
    }

    await().atMost(TIMEOUT).until(() -> calls.size() >= 5);
    assertThat(calls.size()).as("not all at once").isLessThan(40);
    await().atMost(TIMEOUT.multipliedBy(2)).until(() -> calls.size() == 40);
  }
}
