package dev.operators.permissionset.identitycenter.huawei;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.operators.permissionset.identitycenter.CallRateLimiter;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import java.net.ProxySelector;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Makes {@link HuaweiIdentityCenterClient}s for any Identity Center endpoint. All clients share one
 * {@link CloudHttp}: its connection pool, dispatcher, CA-bundle clients and per-endpoint rate limiters. Make one
 * factory and {@link #close()} it on shutdown.
 */
public final class HuaweiIdentityCenterClientFactory implements AutoCloseable {

  /** IAM Identity Center is a global service with this one endpoint. */
  public static final String DEFAULT_ENDPOINT = "https://identitycenter.myhuaweicloud.com";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = CloudHttp.DEFAULT_CONNECT_TIMEOUT;
  public static final Duration DEFAULT_READ_TIMEOUT = CloudHttp.DEFAULT_READ_TIMEOUT;
  public static final Duration DEFAULT_CALL_TIMEOUT = CloudHttp.DEFAULT_CALL_TIMEOUT;
  static final int MAX_ENDPOINTS = CloudHttp.MAX_ENDPOINTS;

  private final CloudHttp http;
  private final boolean ownsHttp;
  private final Clock clock;
  private final ObjectMapper json;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A factory with the default timeouts, no rate limit of its own, and no proxy. */
  public HuaweiIdentityCenterClientFactory(Clock clock) {
    this(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_CALL_TIMEOUT, clock, OptionalDouble.empty(),
        EnvironmentProxySelector.fromEnvironment(Map.of()));
  }

  /**
   * A factory with an HTTP stack of its own, closed with it.
   *
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
    this(new CloudHttp(connectTimeout, readTimeout, callTimeout, callsPerSecond, proxies), true, clock);
  }

  /**
   * A factory over an HTTP stack shared with other clouds' clients; closing the factory leaves the stack open.
   *
   * @param clock the source of the signature's {@code X-Sdk-Date}
   */
  public HuaweiIdentityCenterClientFactory(CloudHttp http, Clock clock) {
    this(http, false, clock);
  }

  private HuaweiIdentityCenterClientFactory(CloudHttp http, boolean ownsHttp, Clock clock) {
    this.http = Objects.requireNonNull(http, "http");
    this.ownsHttp = ownsHttp;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
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
    if (isClosed()) {
      throw new IllegalStateException("the Identity Center client factory is closed");
    }
    HttpUrl url = HttpUrl.get(endpoint.url().toString());
    return new HuaweiIdentityCenterClient(httpFor(endpoint), url, clock, json, credentials, this::isClosed,
        rateLimiterFor(url), CloudHttp.plainHttpProblem(endpoint, "huaweiCloud"));
  }

  /** The rate limiter shared by every client of the endpoint's host and port. */
  Optional<CallRateLimiter> rateLimiterFor(HttpUrl endpoint) {
    return http.rateLimiterFor(endpoint);
  }

  /** The shared client, or for an endpoint with a CA bundle a client derived from it that trusts the bundle too. */
  OkHttpClient httpFor(CloudEndpoint endpoint) {
    return http.clientFor(endpoint);
  }

  private boolean isClosed() {
    return closed.get() || http.isClosed();
  }

  /**
   * Clients fail with UNAVAILABLE afterwards. A stack of the factory's own is closed too: its pooled connections
   * and the dispatcher's threads.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsHttp) {
      http.close();
    }
  }
}
