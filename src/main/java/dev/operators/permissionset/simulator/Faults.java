package dev.operators.permissionset.simulator;

import java.time.Duration;
import java.util.Random;

/**
 * Faults the simulator injects on demand, changeable while it runs. Draws come from one seeded Random, so a run
 * with the same seed and the same calls injects the same faults.
 */
public final class Faults {

  private volatile Duration minLatency = Duration.ZERO;
  private volatile Duration maxLatency = Duration.ZERO;
  private volatile int rateLimitPerSecond;
  private volatile double throttleRate;
  private volatile double serverErrorRate;
  private volatile double dropRate;
  private volatile double dropAcceptedProvisionRate;
  private volatile boolean conflictOnConcurrentProvisioning;
  private final Random random;

  public Faults(long seed) {
    this.random = new Random(seed);
  }

  /** Every answer is delayed by a time drawn between the two bounds. */
  public Faults latency(Duration min, Duration max) {
    if (max.compareTo(min) < 0) {
      throw new IllegalArgumentException("the maximum latency must not be below the minimum");
    }
    this.minLatency = min;
    this.maxLatency = max;
    return this;
  }

  /** Calls past this many in one second, all endpoints together, get 429 APIGW.0308; 0 turns it off. */
  public Faults rateLimitPerSecond(int limit) {
    this.rateLimitPerSecond = limit;
    return this;
  }

  /** This share of calls gets 429 APIGW.0308 at random, whatever the rate of calls: a gateway under load. */
  public Faults throttleRate(double rate) {
    this.throttleRate = share(rate);
    return this;
  }

  /** This share of calls gets a 500, 502 or 503. */
  public Faults serverErrorRate(double rate) {
    this.serverErrorRate = share(rate);
    return this;
  }

  /** This share of calls has its connection closed before the simulator reads it: nothing happens. */
  public Faults dropRate(double rate) {
    this.dropRate = share(rate);
    return this;
  }

  /** This share of accepted provisions has its connection closed instead of answered: the provision happened. */
  public Faults dropAcceptedProvisionRate(double rate) {
    this.dropAcceptedProvisionRate = share(rate);
    return this;
  }

  /** A provision for a permission set with a request in progress gets 409 IIC.1006, as the service may answer. */
  public Faults conflictOnConcurrentProvisioning(boolean enabled) {
    this.conflictOnConcurrentProvisioning = enabled;
    return this;
  }

  /** Back to no faults at all. */
  public Faults clear() {
    return latency(Duration.ZERO, Duration.ZERO).rateLimitPerSecond(0).throttleRate(0).serverErrorRate(0).dropRate(0)
        .dropAcceptedProvisionRate(0).conflictOnConcurrentProvisioning(false);
  }

  int rateLimitPerSecond() {
    return rateLimitPerSecond;
  }

  boolean conflictOnConcurrentProvisioning() {
    return conflictOnConcurrentProvisioning;
  }

  Duration drawLatency() {
    long min = minLatency.toMillis();
    long spread = maxLatency.toMillis() - min;
    return Duration.ofMillis(spread <= 0 ? min : min + draw(spread + 1));
  }

  boolean drawThrottle() {
    return throttleRate > 0 && chance() < throttleRate;
  }

  boolean drawServerError() {
    return serverErrorRate > 0 && chance() < serverErrorRate;
  }

  boolean drawDrop() {
    return dropRate > 0 && chance() < dropRate;
  }

  boolean drawDropAcceptedProvision() {
    return dropAcceptedProvisionRate > 0 && chance() < dropAcceptedProvisionRate;
  }

  synchronized int drawIndex(int bound) {
    return random.nextInt(bound);
  }

  private synchronized long draw(long bound) {
    return (long) (random.nextDouble() * bound);
  }

  private synchronized double chance() {
    return random.nextDouble();
  }

  private static double share(double rate) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("a rate is a share from 0 to 1, not " + rate);
    }
    return rate;
  }
}
