package dev.operators.permissionset.identitycenter;

import dev.operators.permissionset.config.OperatorConfig;
import java.io.IOException;
import java.net.ProxySelector;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The one HTTP stack of every cloud's clients: one connection pool and dispatcher, the operator's timeouts and
 * proxies, no redirects and no silent second sending of a request. Make one and {@link #close()} it on shutdown.
 *
 * <p>What is kept per endpoint lives as long as this stack, for the {@value #MAX_ENDPOINTS} endpoints used most
 * recently: a rate limiter per host and port, since the quota is the endpoint's; an HTTP client per CA bundle,
 * since what it trusts depends on nothing else.
 */
public final class CloudHttp implements AutoCloseable {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
  /** Far more endpoints than a cluster has connections to distinct clouds; a bound against a flood of them. */
  public static final int MAX_ENDPOINTS = 64;

  /**
   * Where a client finds the answer's Retry-After. OkHttp itself reads Retry-After: it sends a request answered 503
   * with "Retry-After: 0" once more (a second provisioning, unseen by the operator), and it fails with a
   * NumberFormatException on a value beyond an int. So the header is moved out of its sight before it looks.
   */
  public static final String RETRY_AFTER = "X-Operator-Retry-After";

  private static final int MAX_IDLE_CONNECTIONS = 5;
  // shorter than the usual idle timeout of cloud load balancers, so that a pooled connection is rarely stale
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  private final OkHttpClient http;
  private final OptionalDouble callsPerSecond;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, CallRateLimiter> rateLimiters = leastRecentlyUsed(MAX_ENDPOINTS, any -> { });
  private final Map<String, OkHttpClient> trustingClients = leastRecentlyUsed(MAX_ENDPOINTS, any -> { });

  /**
   * @param connectTimeout how long to wait for a TCP (and TLS) connection
   * @param readTimeout how long to wait for each read from or write to the connection
   * @param callTimeout how long one call may take as a whole, connecting and reading the body included
   * @param callsPerSecond the rate each endpoint's calls are spaced to, all clients of the endpoint together; none
   *     when empty
   * @param proxies which proxy each call goes through
   * @throws IllegalArgumentException when a timeout or the rate is not positive
   */
  public CloudHttp(Duration connectTimeout, Duration readTimeout, Duration callTimeout, OptionalDouble callsPerSecond,
      ProxySelector proxies) {
    this.callsPerSecond = Objects.requireNonNull(callsPerSecond, "callsPerSecond");
    if (callsPerSecond.isPresent() && !(callsPerSecond.getAsDouble() > 0)) {
      throw new IllegalArgumentException("callsPerSecond must be above zero, got " + callsPerSecond.getAsDouble());
    }
    this.http = new OkHttpClient.Builder()
        .connectTimeout(positive(connectTimeout, "connectTimeout"))
        .readTimeout(positive(readTimeout, "readTimeout"))
        .writeTimeout(readTimeout)
        .callTimeout(positive(callTimeout, "callTimeout"))
        .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
        .proxySelector(Objects.requireNonNull(proxies, "proxies"))
        // a redirect would carry the signed headers to another host
        .followRedirects(false)
        .followSslRedirects(false)
        // a silent second POST would start a second provisioning; the operator retries with backoff instead
        .retryOnConnectionFailure(false)
        .addNetworkInterceptor(CloudHttp::hideRetryAfter)
        .build();
  }

  /** The stack the operator runs with: its timeouts and rate limit come from the configuration. */
  public static CloudHttp forOperator(OperatorConfig config, ProxySelector proxies) {
    return new CloudHttp(config.connectTimeout(), config.readTimeout(),
        config.connectTimeout().plus(config.readTimeout()), OptionalDouble.of(config.cloudCallsPerSecond()), proxies);
  }

  /**
   * The shared client, or for an endpoint with a CA bundle a client derived from it that trusts the bundle too.
   *
   * @throws IllegalArgumentException when the endpoint's CA bundle cannot be trusted
   */
  public OkHttpClient clientFor(CloudEndpoint endpoint) {
    if (endpoint.caBundle().isEmpty()) {
      return http;
    }
    synchronized (trustingClients) {
      return trustingClients.computeIfAbsent(endpoint.caBundle().get(), bundle -> {
        TrustedCertificates trusted = TrustedCertificates.jvmCasAnd(endpoint.caCertificates());
        return http.newBuilder().sslSocketFactory(trusted.socketFactory(), trusted.trustManager()).build();
      });
    }
  }

  /** The rate limiter shared by every client of the endpoint's host and port; none without a rate. */
  public Optional<CallRateLimiter> rateLimiterFor(HttpUrl endpoint) {
    if (callsPerSecond.isEmpty()) {
      return Optional.empty();
    }
    String hostAndPort = endpoint.host() + ":" + endpoint.port();
    synchronized (rateLimiters) {
      return Optional.of(rateLimiters.computeIfAbsent(hostAndPort,
          any -> new CallRateLimiter(callsPerSecond.getAsDouble())));
    }
  }

  /**
   * Why calls to the endpoint are refused, when it is plain http without the connection's opt-in: they would send
   * every signed request unencrypted.
   *
   * @param block the connection's block that names the endpoint, such as "huaweiCloud"
   */
  public static Optional<String> plainHttpProblem(CloudEndpoint endpoint, String block) {
    if (!endpoint.plainHttp() || endpoint.insecureHttpAllowed()) {
      return Optional.empty();
    }
    return Optional.of("the endpoint " + HttpUrl.get(endpoint.url().toString()) + " in spec." + block
        + ".endpoint is plain http, which would send every request unencrypted; use https, or set spec." + block
        + ".allowInsecureHttp: true for a simulator");
  }

  /** Retry-After as delta-seconds or as an HTTP-date; a date in the past means now. */
  public static Optional<Duration> retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
      } catch (NumberFormatException tooLong) {
        return Optional.empty();
      }
    }
    try {
      Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, until);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }

  /**
   * A call that got no answer in words: refused, reset, timed out, or a TLS handshake that failed, which the JVM's
   * own messages describe with its internal classes.
   *
   * @param block the connection's block whose caBundle may fix an untrusted certificate, such as "huaweiCloud"
   */
  public static String noAnswer(String host, IOException cause, String block) {
    if (cause instanceof SSLPeerUnverifiedException) {
      return "the TLS certificate of " + host + " is not issued for that host name";
    }
    if (!(cause instanceof SSLException)) {
      return "no answer from " + host + " (" + describe(cause) + ")";
    }
    if (causedBy(cause, CertificateExpiredException.class) || causedBy(cause, CertificateNotYetValidException.class)) {
      return "the TLS certificate of " + host + " has expired or is not valid yet";
    }
    if (causedBy(cause, CertPathBuilderException.class) || causedBy(cause, CertificateException.class)) {
      return "the TLS certificate of " + host + " is not trusted: it has no chain to a CA that the JVM "
          + "trusts or that the connection's caBundle holds; for a private endpoint or a TLS-inspecting proxy, put "
          + "the CA certificate that issued it in spec." + block + ".caBundle";
    }
    return "the TLS handshake with " + host + " failed (" + describe(cause) + ")";
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(IOException failure) {
    return failure.getMessage() == null || failure.getMessage().isBlank()
        ? failure.getClass().getSimpleName()
        : failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /**
   * A map that keeps its {@code maxEntries} most recently used entries and hands each entry it forgets to
   * {@code evicted}. Not thread-safe: even a read reorders it.
   */
  public static <K, V> Map<K, V> leastRecentlyUsed(int maxEntries, Consumer<? super V> evicted) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() <= maxEntries) {
          return false;
        }
        evicted.accept(eldest.getValue());
        return true;
      }
    };
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Closes the pooled connections and stops the dispatcher's threads. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private static Response hideRetryAfter(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    List<String> retryAfter = response.headers("Retry-After");
    if (retryAfter.isEmpty()) {
      return response;
    }
    Headers.Builder headers = response.headers().newBuilder().removeAll("Retry-After");
    retryAfter.forEach(value -> headers.addUnsafeNonAscii(RETRY_AFTER, value));
    return response.newBuilder().headers(headers.build()).build();
  }

  private static Duration positive(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + timeout);
    }
    return timeout;
  }
}
