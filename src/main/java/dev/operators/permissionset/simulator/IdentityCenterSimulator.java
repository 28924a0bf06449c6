package dev.operators.permissionset.simulator;

import dev.operators.permissionset.simulator.Protocol.Refusal;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.aws.AwsProtocol;
import dev.operators.permissionset.simulator.huawei.HuaweiProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IAM Identity Center, for the part that provisions permission sets, over real HTTP with real signatures: Huawei
 * Cloud's REST protocol with AK/SK, or AWS's SSO Admin protocol (awsJson1_1) with SigV4, as the fixture's cloud says.
 * Either way the wire shapes, validation and errors of the published API, asynchronous provisioning, and faults on
 * demand. Tests, the demo and benchmarks run it in-process; platform teams run it standalone.
 */
public final class IdentityCenterSimulator implements AutoCloseable {

  public static final String LIST_PERMISSION_SETS = "ListPermissionSets";
  public static final String PROVISION = "ProvisionPermissionSet";
  public static final String DESCRIBE = "DescribePermissionSetProvisioningStatus";
  public static final String LIST_PROVISIONING = "ListPermissionSetProvisioningStatus";
  public static final String LIST_ACCOUNTS = "ListAccountsForProvisionedPermissionSet";
  public static final String LIST_INSTANCES = "ListInstances";
  /** AWS only: Huawei lists permission sets with their names, AWS describes them one by one. */
  public static final String DESCRIBE_PERMISSION_SET = "DescribePermissionSet";
  public static final String UNKNOWN_API = "UnknownApi";
  /** The largest request body the simulator reads. */
  public static final int MAX_BODY = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(IdentityCenterSimulator.class);

  private final HttpListener listener;
  private final InetAddress address;
  private final boolean https;
  private final SimulatorState state;
  private final SimulatedIdentityCenter center;
  private final Protocol protocol;
  private final AdminApi admin;
  private final Faults faults;
  private final RequestCounters counters = new RequestCounters();
  private final AtomicLong rateWindow = new AtomicLong();
  private final AtomicLong callsInWindow = new AtomicLong();
  private final Clock clock;

  /** How ListPermissionSetProvisioningStatus and the other listings page. */
  public enum Paging {
    /** A marker names the first item of the next page; items that leave or join the listing shift nothing. */
    KEYSET,
    /**
     * A marker is an offset into the listing as it is at the time of each call, so an item that leaves a filtered
     * listing (IN_PROGRESS to SUCCEEDED) while a client pages shifts later pages: the client misses an item or sees
     * one twice.
     */
    OFFSET
  }

  /**
   * The order of ListPermissionSetProvisioningStatus, by {@code created_date}, then by creation. The service does
   * not document its order; newest first is the default as the likelier one for a listing of requests.
   */
  public enum ListOrder {
    NEWEST_FIRST,
    OLDEST_FIRST
  }

  /**
   * How to run a simulator.
   *
   * @param host the address to listen on, such as 127.0.0.1 or 0.0.0.0 for every interface
   * @param port the port, or 0 for any free one
   * @param seed the seed of the faults' random draws and of the starting history
   * @param threads how many calls are handled at once
   * @param tls the key and certificate to serve HTTPS with, or empty for plain HTTP
   * @param history how many finished requests each instance starts with: one in ten FAILED, the rest SUCCEEDED,
   *     to the fixture's permission sets and accounts at random, created before anything new
   * @param listLag how long a new request stays out of ListPermissionSetProvisioningStatus (describe knows it at
   *     once)
   */
  public record Options(String host, int port, Clock clock, long seed, int threads, Optional<TlsIdentity> tls,
      int history, Paging paging, ListOrder listOrder, Duration listLag) {

    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(paging, "paging");
      Objects.requireNonNull(listOrder, "listOrder");
      Objects.requireNonNull(listLag, "listLag");
      if (port < 0 || port > 65535 || threads < 1 || history < 0 || listLag.isNegative()) {
        throw new IllegalArgumentException("port 0..65535, threads 1 or more, history and list lag 0 or more");
      }
    }

    /** 127.0.0.1 on a free port, plain HTTP, the system clock, no history, keyset paging, newest first, no lag. */
    public static Options defaults() {
      return new Options("127.0.0.1", 0, Clock.systemUTC(), 42, 64, Optional.empty(), 0, Paging.KEYSET,
          ListOrder.NEWEST_FIRST, Duration.ZERO);
    }

    public Options withHost(String host) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withPort(int port) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withClock(Clock clock) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withSeed(long seed) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withTls(TlsIdentity tls) {
      return new Options(host, port, clock, seed, threads, Optional.of(tls), history, paging, listOrder, listLag);
    }

    public Options withHistory(int requests) {
      return new Options(host, port, clock, seed, threads, tls, requests, paging, listOrder, listLag);
    }

    public Options withPaging(Paging paging) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withListOrder(ListOrder listOrder) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }

    public Options withListLag(Duration listLag) {
      return new Options(host, port, clock, seed, threads, tls, history, paging, listOrder, listLag);
    }
  }

  private IdentityCenterSimulator(SimulatorFixture fixture, Options options) throws IOException {
    this.clock = options.clock();
    this.state = new SimulatorState(fixture, clock, options.history(), options.seed());
    this.faults = new Faults(options.seed());
    this.center = new SimulatedIdentityCenter(state, faults,
        new Pager(options.paging(), options.seed()), counters, options.listOrder(), options.listLag());
    this.admin = new AdminApi(center);
    this.protocol = fixture.cloud() == Cloud.AWS
        ? new AwsProtocol(center, fixture.credentials(), fixture.region(), clock, options.tls().isPresent())
        : new HuaweiProtocol(center, fixture.credentials(), clock);
    this.address = InetAddress.getByName(options.host());
    this.https = options.tls().isPresent();
    this.listener = new HttpListener(address, options.port(), options.tls().map(TlsIdentity::sslContext),
        options.threads(), this::handle);
  }

  public static IdentityCenterSimulator start(SimulatorFixture fixture, Options options) {
    try {
      return new IdentityCenterSimulator(fixture, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + options.host() + ":" + options.port() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The base URL to point a client at, such as {@code http://127.0.0.1:41873} or {@code https://10.0.0.5:8443};
   * on every interface (0.0.0.0), the loopback one.
   */
  public URI endpoint() {
    InetAddress host = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    String literal = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
    return URI.create((https ? "https" : "http") + "://" + literal + ":" + listener.port());
  }


  public Faults faults() {
    return faults;
  }

  public RequestCounters counters() {
    return counters;
  }

  /**
   * Changes a permission set, as attaching a policy to it would: every account it is provisioned to holds an
   * out-of-date copy (ListAccountsForProvisionedPermissionSet lists it as LATEST_PERMISSION_SET_NOT_PROVISIONED) until
   * a provisioning made from now on succeeds for it. A provisioning in progress now pushes the copy from before.
   * Over HTTP: {@code POST /simulator/permission-sets/{permissionSetId}/touch}.
   *
   * @return the accounts the set is provisioned to, all of them out of date now
   * @throws ServiceFault when the instance or the permission set does not exist
   */
  public List<String> touchPermissionSet(String instanceId, String permissionSetId) {
    return center.touch(instanceId, permissionSetId);
  }

  /** How long provisionings made from now on stay IN_PROGRESS. */
  public void provisioningLatency(Duration latency) {
    state.provisioningLatency(latency);
  }

  @Override
  public void close() {
    listener.close();
  }

  /**
   * Runs the faults around the protocol: latency and dropped connections before the call is read, throttling and
   * server errors before it is served, a dropped answer after an accepted provision.
   */
  private void handle(HttpCall exchange) throws IOException {
    String operation = UNKNOWN_API;
    try {
      if (!exchange.wellFormed()) {
        respond(exchange, operation, protocol.refuse(operation, Refusal.MALFORMED));
        return;
      }
      if (AdminApi.isAdminCall(exchange)) {
        Reply reply = admin.serve(exchange);
        exchange.respond(reply.status(), reply.headers(), reply.body());
        return;
      }
      operation = protocol.operation(exchange);
      sleep(faults.drawLatency());
      if (faults.drawDrop()) {
        drop(exchange, operation, RequestCounters.DROPPED);
        return;
      }
      byte[] body = readBody(exchange);
      if (body == null) {
        respond(exchange, operation, protocol.refuse(operation, Refusal.BODY_TOO_LARGE));
        return;
      }
      Optional<Refusal> refusal = throttle().or(() -> faults.drawServerError()
          ? Optional.of(Refusal.SERVER_ERROR) : Optional.empty());
      if (refusal.isPresent()) {
        if (refusal.get() != Refusal.SERVER_ERROR) {
          counters.throttled();
        }
        respond(exchange, operation, protocol.refuse(operation, refusal.get()));
        return;
      }
      Reply reply = protocol.serve(exchange, operation, body);
      if (PROVISION.equals(operation) && reply.status() == 200 && faults.drawDropAcceptedProvision()) {
        drop(exchange, operation, RequestCounters.DROPPED_AFTER_ACCEPTING);
        return;
      }
      respond(exchange, operation, reply);
    } catch (RuntimeException e) {
      LOG.error("Simulator failed on {} {}", exchange.method(), exchange.rawPath(), e);
      respond(exchange, operation, protocol.refuse(operation, Refusal.INTERNAL_ERROR));
    }
  }

  private Optional<Refusal> throttle() {
    if (faults.drawThrottle()) {
      return Optional.of(Refusal.THROTTLED);
    }
    int limit = faults.rateLimitPerSecond();
    if (limit <= 0) {
      return Optional.empty();
    }
    long second = clock.millis() / 1000;
    synchronized (rateWindow) {
      if (rateWindow.get() != second) {
        rateWindow.set(second);
        callsInWindow.set(0);
      }
      return callsInWindow.incrementAndGet() > limit ? Optional.of(Refusal.RATE_LIMITED) : Optional.empty();
    }
  }

  private void respond(HttpCall exchange, String operation, Reply reply) throws IOException {
    counters.call(operation, Integer.toString(reply.status()));
    exchange.respond(reply.status(), reply.headers(), reply.body());
  }

  private void drop(HttpCall exchange, String operation, String outcome) throws IOException {
    counters.call(operation, outcome);
    exchange.drop();
  }

  /**
   * The body, or null past the limit. A body past the limit is refused once read that far, not by its
   * Content-Length: a client waiting with {@code Expect: 100-continue} is told to go on either way, since some (the
   * JDK's own HttpClient 17) wait for ever on a final answer instead; the rest of the body is drained after the
   * answer.
   */
  private static byte[] readBody(HttpCall exchange) throws IOException {
    byte[] body = exchange.body().readNBytes(MAX_BODY + 1);
    return body.length > MAX_BODY ? null : body;
  }

  private static void sleep(Duration latency) {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The counts so far, for tests and benchmarks. */
  public RequestCounters.Snapshot counts() {
    return counters.snapshot();
  }
}
