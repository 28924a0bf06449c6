package dev.operators.permissionset.identitycenter.aws;

import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Makes {@link AwsIdentityCenterClient}s for the AWS connections. Every SDK client sends through the
 * {@link CloudHttp} given, which this factory neither owns nor closes; the per-endpoint rate limiters are that
 * stack's, shared with every client of the endpoint.
 *
 * <p>Each connection's SDK client and credentials provider (with an assumed role, its STS client too) are kept for
 * the {@value #MAX_CONNECTIONS} connections used most recently, and closed when forgotten: by
 * {@link #release(CloudAccess.Aws)} when the connection changes or goes, by falling out of that bound, or by
 * {@link #close()}.
 */
public final class AwsIdentityCenterClientFactory implements AutoCloseable {

  static final int MAX_CONNECTIONS = CloudHttp.MAX_ENDPOINTS;

  private static final Logger LOG = LoggerFactory.getLogger(AwsIdentityCenterClientFactory.class);

  private final CloudHttp http;
  private final Clock clock;
  private final Optional<URI> stsEndpoint;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final PermissionSetNames names = new PermissionSetNames();
  private final Map<CloudAccess.Aws, Connection> connections = CloudHttp.leastRecentlyUsed(MAX_CONNECTIONS,
      this::forget);

  /** @param clock the source of the time a Retry-After date is counted from */
  public AwsIdentityCenterClientFactory(CloudHttp http, Clock clock) {
    this(http, clock, Optional.empty());
  }

  /** @param stsEndpoint where roles are assumed; the SDK's regional STS endpoint when empty */
  AwsIdentityCenterClientFactory(CloudHttp http, Clock clock, Optional<URI> stsEndpoint) {
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stsEndpoint = Objects.requireNonNull(stsEndpoint, "stsEndpoint");
  }

  /**
   * The client of the connection, made on first use and kept for equal values after. Problems every call would
   * only repeat are reported by every call, as an {@code INVALID_REQUEST} that names the field: a plain http
   * endpoint that does not allow it, access keys that are empty or cannot be sent in a header.
   *
   * @throws IllegalArgumentException when the endpoint's CA bundle cannot be trusted or the region is not one
   * @throws IllegalStateException after {@link #close()}
   */
  public IdentityCenterClient forConnection(CloudAccess.Aws access) {
    Objects.requireNonNull(access, "access");
    synchronized (connections) {
      if (isClosed()) {
        throw new IllegalStateException("the AWS Identity Center client factory is closed");
      }
      Connection connection = connections.get(access);
      if (connection == null) {
        connection = open(access);
        connections.put(access, connection);
      }
      return connection.client();
    }
  }

  /**
   * Closes and forgets the connection's SDK client and credentials provider, and the permission sets read through
   * it. Its client fails with UNAVAILABLE afterwards; the next {@link #forConnection} makes a new one.
   */
  public void release(CloudAccess.Aws access) {
    Objects.requireNonNull(access, "access");
    synchronized (connections) {
      Connection connection = connections.remove(access);
      if (connection != null) {
        forget(connection);
      }
    }
  }

  /** Closes every connection's SDK client and credentials provider; the CloudHttp stays open. */
  @Override
  public void close() {
    synchronized (connections) {
      if (closed.compareAndSet(false, true)) {
        connections.values().forEach(this::forget);
        connections.clear();
      }
    }
  }

  private boolean isClosed() {
    return closed.get() || http.isClosed();
  }

  private void forget(Connection connection) {
    connection.close();
    names.forget(connection.access());
  }

  private Connection open(CloudAccess.Aws access) {
    OkHttpSdkHttpClient transport = new OkHttpSdkHttpClient(http.clientFor(access.endpoint()));
    Region region = Region.of(access.region());
    Optional<CloudCredentials> keys = access.keys();
    Optional<String> sessionToken = keys.flatMap(CloudCredentials::securityToken).filter(token -> !token.isEmpty());
    Optional<String> problem = CloudHttp.plainHttpProblem(access.endpoint(), "aws")
        .or(() -> keys.flatMap(pair -> keysProblem(pair, sessionToken)));
    List<SdkAutoCloseable> closeables = new ArrayList<>();

    AwsCredentialsProvider base;
    String source;
    if (keys.isEmpty()) {
      DefaultCredentialsProvider defaultChain = DefaultCredentialsProvider.builder().build();
      closeables.add(defaultChain);
      base = defaultChain;
      source = "the operator's own AWS identity (the SDK's default chain: IRSA, EKS Pod Identity, environment)";
    } else {
      base = problem.isPresent() ? AnonymousCredentialsProvider.create()
          : StaticCredentialsProvider.create(sessionToken
              .<AwsCredentials>map(token ->
                  AwsSessionCredentials.create(keys.get().accessKey(), keys.get().secretKey(), token))
              .orElseGet(() -> AwsBasicCredentials.create(keys.get().accessKey(), keys.get().secretKey())));
      source = "the connection's access keys";
    }
    AwsCredentialsProvider credentials = base;
    if (access.role().isPresent()) {
      CloudAccess.AssumedRole role = access.role().get();
      StsClientBuilder stsBuilder = StsClient.builder()
          .httpClient(transport)
          .region(region)
          .credentialsProvider(base)
          .overrideConfiguration(AwsIdentityCenterClientFactory::noRetries);
      stsEndpoint.ifPresent(stsBuilder::endpointOverride);
      StsClient sts = stsBuilder.build();
      StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
          .stsClient(sts)
          .refreshRequest(request -> request
              .roleArn(role.roleArn())
              .roleSessionName(role.sessionName())
              .externalId(role.externalId().orElse(null)))
          .build();
      closeables.add(0, sts);
      closeables.add(0, assumed);
      credentials = assumed;
      source = "the role " + role.roleArn() + ", assumed with " + source;
    }
    SsoAdminClient sso = SsoAdminClient.builder()
        .httpClient(transport)
        .region(region)
        .endpointOverride(access.endpoint().url())
        .credentialsProvider(new CredentialsSource(credentials, source))
        .overrideConfiguration(AwsIdentityCenterClientFactory::noRetries)
        .build();
    closeables.add(0, sso);

    HttpUrl url = HttpUrl.get(access.endpoint().url().toString());
    List<String> secrets = keys.stream()
        .flatMap(pair -> Stream.concat(Stream.of(pair.accessKey(), pair.secretKey()), sessionToken.stream()))
        .toList();
    AtomicBoolean released = new AtomicBoolean();
    AwsIdentityCenterClient client = new AwsIdentityCenterClient(sso, access, http.rateLimiterFor(url),
        new AwsErrorTranslator(clock, url.host() + ":" + url.port(), secrets), names,
        () -> released.get() || isClosed(), problem);
    return new Connection(access, client, released, List.copyOf(closeables));
  }

  /** A silent retry of ProvisionPermissionSet would be a second provisioning; the operator retries with backoff. */
  private static void noRetries(ClientOverrideConfiguration.Builder configuration) {
    configuration.retryStrategy(AwsRetryStrategy.doNotRetry());
  }

  /** Values that cannot be sent in a header, or that a proxy might trim, break the signature. */
  private static Optional<String> keysProblem(CloudCredentials keys, Optional<String> sessionToken) {
    if (keys.accessKey().isBlank()) {
      return Optional.of("the access key is empty; set it in the credentials Secret");
    }
    if (keys.secretKey().isBlank()) {
      return Optional.of("the secret key is empty; set it in the credentials Secret");
    }
    if (!isVisibleAscii(keys.accessKey())) {
      return Optional.of("the access key contains spaces, line breaks or non-ASCII characters, which cannot be sent "
          + "in a signed header; remove them from the credentials Secret");
    }
    if (sessionToken.filter(token -> !isVisibleAscii(token)).isPresent()) {
      return Optional.of("the session token contains spaces, line breaks or non-ASCII characters, which cannot be "
          + "sent in a signed header; remove them from the credentials Secret");
    }
    return Optional.empty();
  }

  private static boolean isVisibleAscii(String value) {
    return value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  /** One connection's SDK clients and credentials, closed together. */
  private record Connection(CloudAccess.Aws access, AwsIdentityCenterClient client, AtomicBoolean released,
      List<SdkAutoCloseable> closeables) {

    void close() {
      released.set(true);
      for (SdkAutoCloseable closeable : closeables) {
        try {
          closeable.close();
        } catch (RuntimeException e) {
          LOG.warn("Closing the {} of an AWS connection failed: {}", closeable.getClass().getSimpleName(),
              e.getClass().getSimpleName());
        }
      }
    }
  }
}
