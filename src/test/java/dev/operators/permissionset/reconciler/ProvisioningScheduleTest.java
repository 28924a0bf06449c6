package dev.operators.permissionset.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.config.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ProvisioningScheduleTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private final ProvisioningSchedule schedule = new ProvisioningSchedule(new Timing(Duration.ofSeconds(2),
      Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofSeconds(10), Duration.ofMinutes(10)));

  private static void assertBetween(Duration actual, Duration base) {
    assertThat(actual).isBetween(base, base.plus(base.dividedBy(5)));
  }

  @RepeatedTest(20)
  void retriesDoubleUpToTheCap() {
    assertBetween(schedule.nextRetry(START, START), Duration.ofSeconds(2));
    assertBetween(schedule.nextRetry(START, START.plusSeconds(8)), Duration.ofSeconds(8));
    assertBetween(schedule.nextRetry(START, START.plusSeconds(86_400)), Duration.ofMinutes(5));
  }

  @RepeatedTest(20)
  void throttlingWaitsAtLeastTwoSecondsOrWhatTheCloudAsks() {
    ProvisioningSchedule eager = new ProvisioningSchedule(new Timing(Duration.ofMillis(100),
        Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(10)));

    assertBetween(eager.nextRetryWhenThrottled(START, START, Optional.empty()), Duration.ofSeconds(2));
    assertBetween(eager.nextRetryWhenThrottled(START, START, Optional.of(Duration.ofSeconds(7))),
        Duration.ofSeconds(7));
  }

  @RepeatedTest(5)
  void aRetryAfterOfYearsIsCappedNotOverflowed() {
    assertBetween(schedule.nextRetryWhenThrottled(START, START, Optional.of(Duration.ofSeconds(Long.MAX_VALUE))),
        ProvisioningSchedule.MAX_RETRY_AFTER);
    assertBetween(schedule.nextRetryWhenThrottled(START, START, Optional.of(Duration.ofDays(36_500))),
        ProvisioningSchedule.MAX_RETRY_AFTER);
    ProvisioningSchedule patient = new ProvisioningSchedule(new Timing(Duration.ofSeconds(2),
        Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofHours(2), Duration.ofMinutes(30), Duration.ofSeconds(10), Duration.ofMinutes(10)));
    assertBetween(patient.nextRetryWhenThrottled(START, START, Optional.of(Duration.ofDays(1))), Duration.ofHours(2));
  }

  @Test
  void slowRetriesStartAtThirtySecondsUnlessTheCapIsLower() {
    assertThat(schedule.nextSlowRetry(START, START)).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    ProvisioningSchedule fast = new ProvisioningSchedule(new Timing(Duration.ofMillis(100),
        Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(10)));
    assertBetween(fast.nextSlowRetry(START, START), Duration.ofSeconds(1));
  }
}
