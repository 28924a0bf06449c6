package dev.operators.permissionset.simulator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar permission-set-operator.jar simulator [options]}: the simulator as a server of its own, for a
 * real cluster's operator (set {@code IDENTITY_CENTER_ENDPOINT} to its address) or another team's CI.
 */
public final class SimulatorCommand {

  static final String USAGE = """
      Usage: java -jar permission-set-operator.jar simulator [options]

        --port N                    port on 127.0.0.1 (default 8443; 0 picks a free one)
        --fixture FILE              instances, permission sets, accounts and key pairs (default: the demo world)
        --provisioning-latency D    how long a provisioning stays IN_PROGRESS (default: the fixture's)
        --latency D                 delay every answer by D
        --rate-limit N              answer 429 past N calls a second, all endpoints together
        --error-rate R              answer this share (0..1) of calls with a 5xx
        --drop-rate R               close this share (0..1) of connections without an answer
        --conflicts                 answer 409 to a provision while the permission set has one in progress
        --seed N                    seed of the random faults (default 42)
      Durations: 250ms, 3s, 2m or ISO-8601.""";

  private SimulatorCommand() {
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (settings.help()) {
      out.println(USAGE);
      return 0;
    }
    SimulatorFixture fixture;
    try {
      fixture = settings.fixture() == null ? SimulatorFixture.demo() : SimulatorFixture.load(settings.fixture());
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      return 2;
    }
    IdentityCenterSimulator simulator = IdentityCenterSimulator.start(fixture,
        new IdentityCenterSimulator.Options(settings.port(), Clock.systemUTC(), settings.seed(), 64));
    if (settings.provisioningLatency() != null) {
      simulator.provisioningLatency(settings.provisioningLatency());
    }
    simulator.faults().latency(settings.latency(), settings.latency()).rateLimitPerSecond(settings.rateLimit())
        .serverErrorRate(settings.errorRate()).dropRate(settings.dropRate())
        .conflictOnConcurrentProvisioning(settings.conflicts());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "simulator-shutdown"));
    out.println("Identity Center simulator listening on " + simulator.endpoint() + " ("
        + fixture.instances().size() + " instance(s)); stop with Ctrl-C");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  record Settings(int port, Path fixture, Duration provisioningLatency, Duration latency, int rateLimit,
      double errorRate, double dropRate, boolean conflicts, long seed, boolean help) {

    static Settings parse(String[] args) {
      int port = 8443;
      Path fixture = null;
      Duration provisioningLatency = null;
      Duration latency = Duration.ZERO;
      int rateLimit = 0;
      double errorRate = 0;
      double dropRate = 0;
      boolean conflicts = false;
      long seed = 42;
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        switch (flag) {
          case "--help", "-h" -> help = true;
          case "--conflicts" -> conflicts = true;
          default -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                  : "unknown argument '" + flag + "'");
            }
            String value = args[++i];
            switch (flag) {
              case "--port" -> port = number(flag, value, 0, 65535);
              case "--fixture" -> fixture = Path.of(value);
              case "--provisioning-latency" -> provisioningLatency = duration(flag, value);
              case "--latency" -> latency = duration(flag, value);
              case "--rate-limit" -> rateLimit = number(flag, value, 0, 1_000_000);
              case "--error-rate" -> errorRate = share(flag, value);
              case "--drop-rate" -> dropRate = share(flag, value);
              case "--seed" -> seed = number(flag, value, 0, Integer.MAX_VALUE);
              default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
          }
        }
      }
      return new Settings(port, fixture, provisioningLatency, latency, rateLimit, errorRate, dropRate, conflicts,
          seed, help);
    }

    private static int number(String flag, String value, int min, int max) {
      try {
        int number = Integer.parseInt(value);
        if (number >= min && number <= max) {
          return number;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new IllegalArgumentException(flag + " takes a whole number from " + min + " to " + max + ", not '"
          + value + "'");
    }

    private static double share(String flag, String value) {
      try {
        double share = Double.parseDouble(value);
        if (share >= 0 && share <= 1) {
          return share;
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw new IllegalArgumentException(flag + " takes a share from 0 to 1, such as 0.05, not '" + value + "'");
    }

    private static Duration duration(String flag, String value) {
      try {
        return FlexibleDurationDeserializer.parse(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + ": " + e.getMessage());
      }
    }
  }
}
