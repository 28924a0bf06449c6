package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.config.Durations;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What one benchmark run does, read from {@code -Dbenchmark.*} properties.
 *
 * @param resources N, how many PermissionSetProvisioning resources are created at once
 * @param provisioningLatency L, how long the simulator keeps each provisioning IN_PROGRESS
 * @param rateLimitPerSecond R, the simulator's limit for all endpoints together
 * @param failShare the share of accounts whose provisioning FAILS
 * @param permissionSets how many permission sets the resources spread over
 * @param out where the JSON report goes
 * @param strict whether a missed performance target fails the run, not only a wrong outcome
 * @param timeout how long to wait for every resource to become terminal
 * @param mode whether the resources exist before the operator starts or are created while it runs
 * @param history how many finished requests the simulator's instance starts with, one in ten FAILED
 * @param listLag how long a new request stays out of the simulator's lists
 * @param operatorEnvironment settings for the operator process beyond the endpoint and credentials, such as its
 *     {@code CLOUD_RATE_LIMIT} for a simulator limit far from the default's; with a list lag and no
 *     {@code CLOUD_LIST_LAG} of its own, that lag plus {@link #LIST_LAG_MARGIN}, so that the operator never takes a
 *     request missing from a lagging list for a finished one
 * @param cloud whose protocol the simulator speaks and the operator's default connection reaches: Huawei Cloud's
 *     IDs, or AWS's instance and permission set ARNs and 12-digit accounts
 * @param driftInterval with a length, the operator checks for drift this often ({@code DRIFT_CHECK_INTERVAL}, unless
 *     the run sets it) and, once every resource is terminal, the run counts the checks' calls over
 *     {@link #DRIFT_INTERVALS_MEASURED} intervals; zero measures nothing
 */
public record BenchmarkParameters(int resources, Duration provisioningLatency, int rateLimitPerSecond,
    double failShare, int permissionSets, Path out, boolean strict, Duration timeout, Mode mode, int history,
    Duration listLag, Map<String, String> operatorEnvironment, Cloud cloud, Duration driftInterval) {

  /** When the operator meets the N resources. */
  public enum Mode {
    /**
     * All N exist when the operator starts: its first list hands it every one at the same instant, the clock
     * starts when it is ready. What an operator restart or a first install over existing resources does.
     */
    STARTUP,
    /**
     * The operator runs, then the N are created in parallel and reach it through its watch; the clock starts at
     * the first create. The embedded Kubernetes API creates about a hundred a second, so for large N the
     * creation itself stretches the run: compare with T* knowing that.
     */
    LIVE
  }

  public static final String RESOURCES = "benchmark.n";
  public static final String LATENCY = "benchmark.latency";
  public static final String RATE = "benchmark.rate";
  public static final String FAIL_SHARE = "benchmark.failShare";
  public static final String PERMISSION_SETS = "benchmark.permissionSets";
  public static final String OUT = "benchmark.out";
  public static final String STRICT = "benchmark.strict";
  public static final String TIMEOUT = "benchmark.timeout";
  public static final String MODE = "benchmark.mode";
  public static final String HISTORY = "benchmark.history";
  public static final String LIST_LAG = "benchmark.listLag";
  public static final String OPERATOR_ENVIRONMENT = "benchmark.operatorEnv";
  public static final String CLOUD = "benchmark.cloud";
  public static final String DRIFT = "benchmark.drift";
  public static final String DRIFT_INTERVAL = "benchmark.driftInterval";
  /** The drift checks' calls are counted over this many intervals, after one to let them spread. */
  public static final int DRIFT_INTERVALS_MEASURED = 3;

  /** Never less than this to converge, however small the run: the operator's start and first polls need it. */
  private static final Duration MIN_TIMEOUT = Duration.ofMinutes(10);
  /** A run this many times slower than its lower bound is broken, not slow. */
  private static final int TIMEOUT_FACTOR = 10;
  /** What the operator's CLOUD_LIST_LAG adds to the simulator's list lag, unless the run sets it. */
  static final Duration LIST_LAG_MARGIN = Duration.ofSeconds(1);

  public BenchmarkParameters {
    require(resources >= 1, RESOURCES, "at least 1");
    require(!provisioningLatency.isNegative(), LATENCY, "not negative");
    require(rateLimitPerSecond >= 1, RATE, "at least 1 call per second");
    require(failShare >= 0 && failShare <= 1, FAIL_SHARE, "a share from 0 to 1, such as 0.05");
    require(permissionSets >= 1, PERMISSION_SETS, "at least 1");
    require(!timeout.isNegative() && !timeout.isZero(), TIMEOUT, "longer than zero");
    require(mode != null, MODE, "startup or live");
    require(history >= 0, HISTORY, "0 or more");
    require(!listLag.isNegative(), LIST_LAG, "not negative");
    require(cloud != null, CLOUD, "huawei or aws");
    require(!driftInterval.isNegative(), DRIFT_INTERVAL, "not negative");
    Map<String, String> environment = new TreeMap<>(operatorEnvironment);
    if (!listLag.isZero()) {
      environment.putIfAbsent(OperatorConfig.CLOUD_LIST_LAG, listLag.plus(LIST_LAG_MARGIN).toMillis() + "ms");
    }
    if (!driftInterval.isZero()) {
      environment.putIfAbsent(OperatorConfig.DRIFT_CHECK_INTERVAL, driftInterval.toMillis() + "ms");
    }
    operatorEnvironment = Collections.unmodifiableMap(environment);
  }

  /**
   * The defaults: 1000 resources, L = 2 s, R = 20/s, 5% failing, at startup, on an empty instance whose
   * lists do not lag; over 100 permission sets, so that one provisioning per permission set at a time
   * ({@link #serialBound()}) does not bind before T* does; on Huawei Cloud.
   */
  public static BenchmarkParameters from(Map<String, String> properties) {
    int resources = integer(properties, RESOURCES, 1000);
    Duration latency = duration(properties, LATENCY, Duration.ofSeconds(2));
    int rate = integer(properties, RATE, 20);
    Duration bound = lowerBound(resources, rate, latency);
    Duration defaultTimeout = bound.multipliedBy(TIMEOUT_FACTOR).compareTo(MIN_TIMEOUT) > 0
        ? bound.multipliedBy(TIMEOUT_FACTOR) : MIN_TIMEOUT;
    return new BenchmarkParameters(resources, latency, rate,
        decimal(properties, FAIL_SHARE, 0.05),
        integer(properties, PERMISSION_SETS, 100),
        Path.of(text(properties, OUT).orElse("target/benchmark.json")),
        text(properties, STRICT).map(Boolean::parseBoolean).orElse(false),
        duration(properties, TIMEOUT, defaultTimeout),
        mode(properties),
        integer(properties, HISTORY, 0),
        duration(properties, LIST_LAG, Duration.ZERO),
        environment(properties),
        cloud(properties),
        text(properties, DRIFT).map(Boolean::parseBoolean).orElse(false)
            ? duration(properties, DRIFT_INTERVAL, Duration.ofSeconds(10)) : Duration.ZERO);
  }

  /** T* = N / R + L: every resource needs at least one call, and the last provisioning started takes L. */
  public Duration lowerBound() {
    return lowerBound(resources, rateLimitPerSecond, provisioningLatency);
  }

  /**
   * ⌈N / P⌉ × L: the cloud takes one provisioning of a permission set at a time, so the resources of one
   * permission set finish one per L at best. Below P = L × R this, not the rate limit, bounds the run.
   */
  public Duration serialBound() {
    return provisioningLatency.multipliedBy((resources + permissionSets - 1) / permissionSets);
  }

  /** Whether the resource at this index targets an account that fails: every (1 / failShare)-th, spread evenly. */
  public boolean failing(int index) {
    return Math.floor((index + 1) * failShare) > Math.floor(index * failShare);
  }

  private static Duration lowerBound(int resources, int rate, Duration latency) {
    return Duration.ofNanos(Math.round(resources * 1e9 / rate)).plus(latency);
  }

  private static void require(boolean valid, String property, String expectation) {
    if (!valid) {
      throw new IllegalArgumentException("-D" + property + " must be " + expectation);
    }
  }

  private static Optional<String> text(Map<String, String> properties, String name) {
    return Optional.ofNullable(properties.get(name)).map(String::trim).filter(value -> !value.isEmpty());
  }

  private static int integer(Map<String, String> properties, String name, int defaultValue) {
    return number(properties, name, defaultValue, Integer::parseInt, "a whole number");
  }

  private static double decimal(Map<String, String> properties, String name, double defaultValue) {
    return number(properties, name, defaultValue, Double::parseDouble, "a number such as 0.05");
  }

  private static <T> T number(Map<String, String> properties, String name, T defaultValue,
      Function<String, T> parser, String what) {
    Optional<String> value = text(properties, name);
    try {
      return value.map(parser).orElse(defaultValue);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + "=" + value.get() + " is not " + what, e);
    }
  }

  /** {@code NAME=value,NAME=value}. */
  private static Map<String, String> environment(Map<String, String> properties) {
    Map<String, String> environment = new TreeMap<>();
    text(properties, OPERATOR_ENVIRONMENT).ifPresent(text -> {
      for (String setting : text.split(",")) {
        int equals = setting.indexOf('=');
        if (equals < 1) {
          throw new IllegalArgumentException("-D" + OPERATOR_ENVIRONMENT + " must be NAME=value pairs separated by "
              + "commas, such as CLOUD_RATE_LIMIT=180; '" + setting.trim() + "' is not one");
        }
        environment.put(setting.substring(0, equals).trim(), setting.substring(equals + 1).trim());
      }
    });
    return environment;
  }

  private static Mode mode(Map<String, String> properties) {
    Optional<String> value = text(properties, MODE);
    try {
      return value.map(text -> Mode.valueOf(text.toUpperCase(Locale.ROOT))).orElse(Mode.STARTUP);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + MODE + "=" + value.get() + " must be startup or live", e);
    }
  }

  private static Cloud cloud(Map<String, String> properties) {
    Optional<String> value = text(properties, CLOUD);
    try {
      return value.map(text -> Cloud.valueOf(text.toUpperCase(Locale.ROOT))).orElse(Cloud.HUAWEI);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("-D" + CLOUD + "=" + value.get() + " must be huawei or aws", e);
    }
  }

  private static Duration duration(Map<String, String> properties, String name, Duration defaultValue) {
    return text(properties, name).map(value -> Durations.parse("-D" + name, value)).orElse(defaultValue);
  }
}
