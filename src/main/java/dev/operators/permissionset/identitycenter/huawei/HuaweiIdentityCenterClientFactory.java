package dev.operators.permissionset.identitycenter.huawei;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Makes {@link HuaweiIdentityCenterClient}s for one Identity Center endpoint. The clients share this factory's
 * connection pool, so make one factory per endpoint and {@link #close()} it on shutdown.
 */
public final class HuaweiIdentityCenterClientFactory implements IdentityCenterClientFactory, AutoCloseable {

  /** IAM Identity Center is a global service with this one endpoint. */
  public static final String DEFAULT_ENDPOINT = "https://identitycenter.myhuaweicloud.com";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Where the client finds the answer's Retry-After. OkHttp itself reads Retry-After: it sends a request answered 503
   * with "Retry-After: 0" once more (a second provisioning, unseen by the operator), and it fails with a
   * NumberFormatException on a value beyond an int. So the header is moved out of its sight before it looks.
   */
  static final String RETRY_AFTER = "X-Operator-Retry-After";

  private static final int MAX_IDLE_CONNECTIONS = 5;
  // shorter than the usual idle timeout of cloud load balancers, so that a pooled connection is rarely stale
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

  private final HttpUrl endpoint;
  private final OkHttpClient http;
  private final Clock clock;
  private final ObjectMapper json;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Optional<CallRateLimiter> rateLimiter;

  /** A factory for the endpoint with the default timeouts and no rate limit of its own. */
  public HuaweiIdentityCenterClientFactory(String endpoint, Clock clock) {
    this(endpoint, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_CALL_TIMEOUT, clock, Optional.empty());
  }

  /**
   * @param endpoint an http or https URL, with a port and a path prefix if needed, such as
   *     {@code https://identitycenter.myhuaweicloud.com} or {@code http://127.0.0.1:8080}
   * @param connectTimeout how long to wait for a TCP (and TLS) connection
   * @param readTimeout how long to wait for each read from or write to the connection
   * @param callTimeout how long one call may take as a whole, connecting and reading the body included
   * @param clock the source of the signature's {@code X-Sdk-Date}
   * @param rateLimiter spaces every call of every client of this factory, which share the endpoint's quota
   * @throws IllegalArgumentException when the endpoint is no usable URL or a timeout is not positive
   */
  public HuaweiIdentityCenterClientFactory(String endpoint, Duration connectTimeout, Duration readTimeout,
      Duration callTimeout, Clock clock, Optional<CallRateLimiter> rateLimiter) {
    this.endpoint = parseEndpoint(endpoint);
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.http = new OkHttpClient.Builder()
        .connectTimeout(positive(connectTimeout, "connectTimeout"))
        .readTimeout(positive(readTimeout, "readTimeout"))
        .writeTimeout(readTimeout)
        .callTimeout(positive(callTimeout, "callTimeout"))
        .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, KEEP_ALIVE.toSeconds(), TimeUnit.SECONDS))
        // a redirect would carry the signed headers to another host
        .followRedirects(false)
        .followSslRedirects(false)
        // a silent second POST would start a second provisioning; the operator retries with backoff instead
        .retryOnConnectionFailure(false)
        .addNetworkInterceptor(HuaweiIdentityCenterClientFactory::hideRetryAfter)
        .build();
    this.json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  }

  /** The factory the operator runs with: its endpoint, timeouts and rate limit come from the configuration. */
  public static HuaweiIdentityCenterClientFactory forOperator(OperatorConfig config, Clock clock) {
    return new HuaweiIdentityCenterClientFactory(config.endpoint().toString(), config.connectTimeout(),
        config.readTimeout(), config.connectTimeout().plus(config.readTimeout()), clock,
        Optional.of(new CallRateLimiter(config.cloudCallsPerSecond())));
  }

  public static String defaultEndpoint() {
    return DEFAULT_ENDPOINT;
  }

  public HttpUrl endpoint() {
    return endpoint;
  }

  /**
   * A client that signs with these credentials. Credentials that cannot be sent in HTTP headers are reported by
   * the client's calls, as an {@code INVALID_REQUEST} that names the field.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public HuaweiIdentityCenterClient forCredentials(CloudCredentials credentials) {
    Objects.requireNonNull(credentials, "credentials");
    if (closed.get()) {
      throw new IllegalStateException("the Identity Center client factory is closed");
    }
    return new HuaweiIdentityCenterClient(http, endpoint, clock, json, credentials, closed::get, rateLimiter);
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

  private static HttpUrl parseEndpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    HttpUrl url = HttpUrl.parse(endpoint.trim());
    if (url == null) {
      throw new IllegalArgumentException("endpoint must be an http or https URL such as " + DEFAULT_ENDPOINT
          + " or http://127.0.0.1:8080, got '" + endpoint + "'");
    }
    if (!url.username().isEmpty() || !url.password().isEmpty()) {
      throw new IllegalArgumentException("endpoint must not contain user information; credentials come from the "
          + "credentials Secret");
    }
    if (url.query() != null || url.fragment() != null) {
      throw new IllegalArgumentException("endpoint must not have a query or a fragment, got '" + url + "'");
    }
    return url;
  }

  private static Duration positive(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + timeout);
    }
    return timeout;
  }
}
