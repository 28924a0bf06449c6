package dev.operators.permissionset.testing;

import java.time.Duration;

/** Waiting a fixed time, where there is nothing to poll: between the rounds of a demo or a load test. */
public final class Pause {

  private Pause() {
  }

  /** Sleeps for {@code duration}; an interrupt ends it with an unchecked exception and stays set on the thread. */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
