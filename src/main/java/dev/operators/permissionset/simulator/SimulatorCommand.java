package dev.operators.permissionset.simulator;

import dev.operators.permissionset.config.ConfigurationException;
import dev.operators.permissionset.config.Durations;
import dev.operators.permissionset.simulator.IdentityCenterSimulator.ListOrder;
import dev.operators.permissionset.simulator.IdentityCenterSimulator.Paging;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar permission-set-operator.jar simulator [options]}: the simulator as a server of its own, for a
 * real cluster's operator (set {@code IDENTITY_CENTER_ENDPOINT} to its address) or another team's CI.
 */
public final class SimulatorCommand {

  static final String USAGE = """
      Usage: java -jar permission-set-operator.jar simulator [options]

        --host ADDRESS              address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
        --port N                    port (default 8443; 0 picks a free one)
        --tls                       serve HTTPS with a self-signed certificate made at start for localhost,
                                    127.0.0.1, ::1, --host and every --tls-name
        --tls-name NAME             one more DNS name or IP address for the self-signed certificate (repeatable),
                                    such as the simulator's Service name in a cluster
        --tls-cert FILE             serve HTTPS with these PEM certificates, the server's first (implies --tls)
        --tls-key FILE              the PEM private key of --tls-cert, unencrypted PKCS#8 (BEGIN PRIVATE KEY);
                                    convert others with: openssl pkcs8 -topk8 -nocrypt -in key.pem
        --tls-ca-out FILE           write the certificate(s) clients must trust to FILE as PEM (default: a new
                                    file in the temporary directory); its path is printed at start
        --cloud huawei|aws          the protocol to speak when no --fixture is given: Huawei Cloud's (default) or
                                    AWS's SSO Admin API, each with its demo world; a fixture names its own cloud
        --fixture FILE              instances, permission sets, accounts and key pairs (default: the demo world
                                    of --cloud)
        --provisioning-latency D    how long a provisioning stays IN_PROGRESS (default: the fixture's)
        --latency D                 delay every answer by D
        --rate-limit N              answer 429 (AWS: ThrottlingException) past N calls a second, all endpoints
                                    together
        --error-rate R              answer this share (0..1) of calls with a 5xx
        --drop-rate R               close this share (0..1) of connections without an answer
        --conflicts                 answer 409 (AWS: ConflictException) to a provision while the permission set has
                                    one in progress
        --seed N                    seed of the random faults and the history (default 42)
        --history N                 start each instance with N finished requests, one in ten FAILED (default 0)
        --paging keyset|offset      markers name the next item (keyset, default) or an offset into the listing
                                    as it is at each call (offset: items leaving a filtered list shift pages)
        --list-order newest-first|oldest-first
                                    order of ListPermissionSetProvisioningStatus (default newest-first; the
                                    service does not document its order)
        --list-lag D                a new request shows in ListPermissionSetProvisioningStatus only D after it
                                    was created (default 0); describe knows it at once
      Durations: 500ms, 3s, 2m, 1h or ISO-8601.

      Admin call, unsigned, beside the cloud's API: change a permission set, so every account it is provisioned to
      holds an out-of-date copy until it is provisioned again (the ID URL-encoded; ?instanceId=ID when two
      instances hold it):
        curl -X POST http://127.0.0.1:8443/simulator/permission-sets/ps-8603aaaaaaaa14bd/touch""";

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
      fixture = fixture(settings);
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      return 2;
    }
    IdentityCenterSimulator simulator;
    try {
      simulator = start(settings, fixture, Clock.systemUTC(), out);
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      simulator.close();
      stopped.countDown();
    }, "simulator-shutdown"));
    out.println("Identity Center simulator (" + fixture.cloud().name().toLowerCase(Locale.ROOT)
        + (fixture.cloud() == Cloud.AWS ? ", region " + fixture.region() : "") + ") listening on " + settings.host()
        + ", endpoint " + simulator.endpoint() + " (" + fixture.instances().size() + " instance(s)); stop with "
        + "Ctrl-C");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The fixture file, or the demo world of the cloud asked for; a fixture of another cloud than asked is refused. */
  static SimulatorFixture fixture(Settings settings) {
    if (settings.fixture() == null) {
      return settings.cloud() == Cloud.AWS ? SimulatorFixture.demoAws() : SimulatorFixture.demo();
    }
    SimulatorFixture fixture = SimulatorFixture.load(settings.fixture());
    if (settings.cloud() != null && settings.cloud() != fixture.cloud()) {
      throw new IllegalArgumentException("--cloud " + settings.cloud().name().toLowerCase(Locale.ROOT) + ", but "
          + settings.fixture() + " is a fixture of cloud: " + fixture.cloud().name().toLowerCase(Locale.ROOT));
    }
    return fixture;
  }

  /** Starts the simulator the settings describe; prints where the certificate to trust is, when it speaks TLS. */
  static IdentityCenterSimulator start(Settings settings, SimulatorFixture fixture, Clock clock, PrintStream out) {
    IdentityCenterSimulator.Options options = IdentityCenterSimulator.Options.defaults().withClock(clock)
        .withHost(settings.host()).withPort(settings.port()).withSeed(settings.seed())
        .withHistory(settings.history()).withPaging(settings.paging()).withListOrder(settings.listOrder())
        .withListLag(settings.listLag());
    if (settings.tls()) {
      TlsIdentity identity = settings.tlsCertificate() != null
          ? TlsIdentity.fromPem(settings.tlsCertificate(), settings.tlsKey())
          : TlsIdentity.selfSigned(tlsNames(settings), clock);
      Path trust = settings.tlsCaOut();
      try {
        trust = trust != null ? trust : Files.createTempFile("identity-center-simulator-", ".pem");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a file for the certificate: " + e.getMessage(), e);
      }
      identity.writeChainPem(trust);
      out.println("TLS certificate for clients to trust: " + trust.toAbsolutePath());
      options = options.withTls(identity);
    }
    IdentityCenterSimulator simulator = IdentityCenterSimulator.start(fixture, options);
    if (settings.provisioningLatency() != null) {
      simulator.provisioningLatency(settings.provisioningLatency());
    }
    simulator.faults().latency(settings.latency(), settings.latency()).rateLimitPerSecond(settings.rateLimit())
        .serverErrorRate(settings.errorRate()).dropRate(settings.dropRate())
        .conflictOnConcurrentProvisioning(settings.conflicts());
    return simulator;
  }

  private static List<String> tlsNames(Settings settings) {
    List<String> names = new ArrayList<>(settings.tlsNames());
    if (!settings.host().equals("0.0.0.0") && !settings.host().equals("::")) {
      names.add(0, settings.host());
    }
    return names;
  }

  /**
   * The command line.
   *
   * @param cloud the cloud asked for with --cloud, or null
   * @param tlsCertificate with {@code tlsKey}, the certificates to serve; null for a self-signed one
   */
  record Settings(String host, int port, Cloud cloud, Path fixture, Duration provisioningLatency, Duration latency,
      int rateLimit, double errorRate, double dropRate, boolean conflicts, long seed, boolean tls,
      List<String> tlsNames, Path tlsCertificate, Path tlsKey, Path tlsCaOut, int history, Paging paging,
      ListOrder listOrder, Duration listLag, boolean help) {

    static Settings parse(String[] args) {
      String host = "127.0.0.1";
      int port = 8443;
      Cloud cloud = null;
      Path fixture = null;
      Duration provisioningLatency = null;
      Duration latency = Duration.ZERO;
      int rateLimit = 0;
      double errorRate = 0;
      double dropRate = 0;
      boolean conflicts = false;
      long seed = 42;
      boolean tls = false;
      List<String> tlsNames = new ArrayList<>();
      Path tlsCertificate = null;
      Path tlsKey = null;
      Path tlsCaOut = null;
      int history = 0;
      Paging paging = Paging.KEYSET;
      ListOrder listOrder = ListOrder.NEWEST_FIRST;
      Duration listLag = Duration.ZERO;
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        switch (flag) {
          case "--help", "-h" -> help = true;
          case "--conflicts" -> conflicts = true;
          case "--tls" -> tls = true;
          default -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value"
                  : "unknown argument '" + flag + "'");
            }
            String value = args[++i];
            switch (flag) {
              case "--host" -> host = value;
              case "--port" -> port = number(flag, value, 0, 65535);
              case "--tls-name" -> tlsNames.add(value);
              case "--tls-cert" -> tlsCertificate = Path.of(value);
              case "--tls-key" -> tlsKey = Path.of(value);
              case "--tls-ca-out" -> tlsCaOut = Path.of(value);
              case "--history" -> history = number(flag, value, 0, 10_000_000);
              case "--paging" -> paging = choice(flag, value, Paging.class);
              case "--list-order" -> listOrder = choice(flag, value, ListOrder.class);
              case "--list-lag" -> listLag = duration(flag, value);
              case "--cloud" -> cloud = choice(flag, value, Cloud.class);
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
      if ((tlsCertificate == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("--tls-cert and --tls-key go together");
      }
      return new Settings(host, port, cloud, fixture, provisioningLatency, latency, rateLimit, errorRate, dropRate,
          conflicts, seed, tls || tlsCertificate != null, List.copyOf(tlsNames), tlsCertificate, tlsKey, tlsCaOut,
          history, paging, listOrder, listLag, help);
    }

    /** An enum constant written in lower case with dashes, such as {@code newest-first}. */
    private static <E extends Enum<E>> E choice(String flag, String value, Class<E> type) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(value)) {
          return constant;
        }
      }
      throw new IllegalArgumentException(flag + " takes one of " + Arrays.stream(type.getEnumConstants())
          .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList() + ", not '" + value + "'");
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
        return Durations.parse(flag, value);
      } catch (ConfigurationException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
