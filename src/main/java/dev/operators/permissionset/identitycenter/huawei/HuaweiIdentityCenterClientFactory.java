package dev.operators.permissionset.identitycenter.huawei;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.TrustedCertificates;
import java.io.IOException;
import java.net.ProxySelector;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Makes {@link HuaweiIdentityCenterClient}s for any Identity Center endpoint. All clients share this factory's
 * connection pool and dispatcher, so make one factory and {@link #close()} it on shutdown.
 *
 * <p>What is kept per endpoint lives as long as the factory, for the {@value #MAX_ENDPOINTS} endpoints used most
 * recently: a rate limiter per host and port, since the quota is the endpoint's; an HTTP client per CA bundle,
 * since what it trusts depends on nothing else.
 */
public final class HuaweiIdentityCenterClientFactory implements AutoCloseable {

  /** IAM Identity Center is a global service with this one endpoint. */
  public static final String DEFAULT_ENDPOINT = "https://identitycenter.myhuaweicloud.com";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
  /** Far more endpoints than a cluster has connections to distinct clouds; a bound against a flood of them. */
  static final int MAX_ENDPOINTS = 64;

  /**
   * Where the client finds the answer's Retry-After. OkHttp itself reads Retry-After: it sends a request answered 503
   * with "Retry-After: 0" once more (a second provisioning, unseen by the operator), and it fails with a
   * NumberFormatException on a value beyond an int. So the header is moved out of its sight before it looks.
   */
  static final String RETRY_AFTER = "X-Operator-Retry-After";

  private static final int MAX_IDLE_CONNECTIONS = 5;
  // shorter than the usual idle timeout of cloud load balancers, so that a pooled connection is rarely stale
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  private final OkHttpClient http;
  private final Clock clock;
  private final ObjectMapper json;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final OptionalDouble callsPerSecond;
  private final Map<String, CallRateLimiter> rateLimiters = leastRecentlyUsed();
  private final Map<String, OkHttpClient> trustingClients = leastRecentlyUsed();

  /** A factory with the default timeouts, no rate limit of its own, and no proxy. */
  public HuaweiIdentityCenterClientFactory(Clock clock) {
    this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_CALL_TIMEOUT, clock, OptionalDouble.empty(),
        EnvironmentProxySelector.fromEnvironment(Map.of()));
  }

  /**
   * @param connectTimeout how long to wait for a TCP (and TLS) connection
   * @param readTimeout how long to wait for each read from or write to the connection
   * @param callTimeout how long one call may take as a whole, connecting and reading the body included
   * @param clock the source of the signature's {@code X-Sdk-Date}
   * @param callsPerSecond the rate each endpoint's calls are spaced to, all clients of the endpoint together; none
   *     when empty
   * @param proxies which proxy each call goes through
   * @throws IllegalArgumentException when a timeout is not positive
   */
  public HuaweiIdentityCenterClientFactory(Duration connectTimeout, Duration readTimeout, Duration callTimeout,
      Clock clock, OptionalDouble callsPerSecond, ProxySelector proxies) {
    this.callsPerSecond = Objects.requireNonNull(callsPerSecond, "callsPerSecond");
    if (callsPerSecond.isPresent() && !(callsPerSecond.getAsDouble() > 0)) {
      throw new IllegalArgumentException("callsPerSecond must be above zero, got " + callsPerSecond.getAsDouble());
    }
    this.clock = Objects.requireNonNull(clock, "clock");
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
        .addNetworkInterceptor(HuaweiIdentityCenterClientFactory::hideRetryAfter)
        .build();
    this.json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  /**
   * The factory the operator runs with: its timeouts and rate limit come from the configuration, its proxies from
   * the process environment.
   *
   * @throws dev.operators.permissionset.config.ConfigurationException when a proxy variable is unusable
   */
  public static HuaweiIdentityCenterClientFactory forOperator(OperatorConfig config, Clock clock) {
    return forOperator(config, EnvironmentProxySelector.fromEnvironment(System.getenv()), clock);
  }

  /** The factory the operator runs with, going through these proxies. */
  public static HuaweiIdentityCenterClientFactory forOperator(OperatorConfig config, ProxySelector proxies,
      Clock clock) {
    return new HuaweiIdentityCenterClientFactory(config.connectTimeout(), config.readTimeout(), config.connectTimeout().plus(config.readTimeout()), clock,
        OptionalDouble.of(config.cloudCallsPerSecond()), proxies);
  }

  /**
   * A client for the endpoint that signs with these credentials. Problems a call would only repeat are reported by
   * every call of the client, as an {@code INVALID_REQUEST} that names the field: credentials that cannot be sent
   * in HTTP headers, and a plain http endpoint that does not allow it.
   *
   * @throws IllegalArgumentException when the endpoint's CA bundle cannot be trusted
   * @throws IllegalStateException after {@link #close()}
   */
  public HuaweiIdentityCenterClient forConnection(CloudEndpoint endpoint, CloudCredentials credentials) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credentials, "credentials");
    if (closed.get()) {
      throw new IllegalStateException("the Identity Center client factory is closed");
    }
    HttpUrl url = HttpUrl.get(endpoint.url().toString());
    Optional<String> endpointProblem = endpoint.plainHttp() && !endpoint.insecureHttpAllowed()
        ? Optional.of("the endpoint " + url + " in spec.huaweiCloud.endpoint is plain http, which would send every "
            + "request unencrypted; use https, or set spec.huaweiCloud.allowInsecureHttp: true for a simulator")
        : Optional.empty();
    return new HuaweiIdentityCenterClient(httpFor(endpoint), url, clock, json, credentials, closed::get,
        rateLimiterFor(url), endpointProblem);
  }

  /** The rate limiter shared by every client of the endpoint's host and port. */
  Optional<CallRateLimiter> rateLimiterFor(HttpUrl endpoint) {
    if (callsPerSecond.isEmpty()) {
      return Optional.empty();
    }
    String hostAndPort = endpoint.host() + ":" + endpoint.port();
    synchronized (rateLimiters) {
      return Optional.of(rateLimiters.computeIfAbsent(hostAndPort,
          any -> new CallRateLimiter(callsPerSecond.getAsDouble())));
    }
  }

  /** The shared client, or for an endpoint with a CA bundle a client derived from it that trusts the bundle too. */
  OkHttpClient httpFor(CloudEndpoint endpoint) {
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

  /** Closes the pooled connections and stops the dispatcher's threads; clients fail with UNAVAILABLE afterwards. */
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

  private static <V> Map<String, V> leastRecentlyUsed() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_ENDPOINTS;
      }
    };
  }

  private static Duration positive(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + timeout);
    }
    return timeout;
  }
}
