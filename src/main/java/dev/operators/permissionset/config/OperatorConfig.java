package dev.operators.permissionset.config;

import dev.operators.permissionset.identitycenter.CloudCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the operator reads from its environment, validated once at start-up.
 *
 * @param watchNamespaces the namespaces to watch; empty means every namespace
 * @param defaultCredentials used by resources without spec.credentialsSecretRef
 */
public record OperatorConfig(URI endpoint, Optional<CloudCredentials> defaultCredentials, Set<String> watchNamespaces,
    Timing timing, Duration connectTimeout, Duration readTimeout, int reconcileThreads, int healthPort) {

  public static final String ENDPOINT = "IDENTITY_CENTER_ENDPOINT";
  public static final String ACCESS_KEY = "IDENTITY_CENTER_ACCESS_KEY";
  public static final String SECRET_KEY = "IDENTITY_CENTER_SECRET_KEY";
  public static final String SECURITY_TOKEN = "IDENTITY_CENTER_SECURITY_TOKEN";
  public static final String DOMAIN_ID = "IDENTITY_CENTER_DOMAIN_ID";
  public static final String WATCH_NAMESPACES = "WATCH_NAMESPACES";
  public static final String POLL_INITIAL_INTERVAL = "POLL_INITIAL_INTERVAL";
  public static final String POLL_MAX_INTERVAL = "POLL_MAX_INTERVAL";
  public static final String RETRY_INITIAL_INTERVAL = "RETRY_INITIAL_INTERVAL";
  public static final String RETRY_MAX_INTERVAL = "RETRY_MAX_INTERVAL";
  public static final String PROVISIONING_TIMEOUT = "PROVISIONING_TIMEOUT";
  public static final String HTTP_CONNECT_TIMEOUT = "HTTP_CONNECT_TIMEOUT";
  public static final String HTTP_READ_TIMEOUT = "HTTP_READ_TIMEOUT";
  public static final String RECONCILE_THREADS = "RECONCILE_THREADS";
  public static final String HEALTH_PORT = "HEALTH_PORT";

  public static final URI DEFAULT_ENDPOINT = URI.create("https://identitycenter.myhuaweicloud.com");

  public OperatorConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(defaultCredentials, "defaultCredentials");
    watchNamespaces = Set.copyOf(watchNamespaces);
    Objects.requireNonNull(timing, "timing");
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    Optional<CloudCredentials> credentials = defaultCredentials(env);
    Timing timing = new Timing(
        duration(env, POLL_INITIAL_INTERVAL, Duration.ofSeconds(2)),
        duration(env, POLL_MAX_INTERVAL, Duration.ofSeconds(60)),
        duration(env, RETRY_INITIAL_INTERVAL, Duration.ofSeconds(2)),
        duration(env, RETRY_MAX_INTERVAL, Duration.ofMinutes(5)),
        duration(env, PROVISIONING_TIMEOUT, Duration.ofMinutes(30)));
    return new OperatorConfig(endpoint(env), credentials, namespaces(env), timing,
        duration(env, HTTP_CONNECT_TIMEOUT, Duration.ofSeconds(5)),
        duration(env, HTTP_READ_TIMEOUT, Duration.ofSeconds(30)),
        integer(env, RECONCILE_THREADS, 10, 1, 200),
        integer(env, HEALTH_PORT, 8080, 0, 65535));
  }

  private static URI endpoint(Map<String, String> env) {
    String value = text(env, ENDPOINT).orElse(null);
    if (value == null) {
      return DEFAULT_ENDPOINT;
    }
    try {
      URI uri = URI.create(value);
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(ENDPOINT + "='" + value + "' is not an http(s) URL; for example "
          + DEFAULT_ENDPOINT);
    }
  }

  private static Optional<CloudCredentials> defaultCredentials(Map<String, String> env) {
    Optional<String> accessKey = text(env, ACCESS_KEY);
    Optional<String> secretKey = text(env, SECRET_KEY);
    if (accessKey.isEmpty() && secretKey.isEmpty()) {
      return Optional.empty();
    }
    if (accessKey.isEmpty() || secretKey.isEmpty()) {
      throw new ConfigurationException("set both " + ACCESS_KEY + " and " + SECRET_KEY + ", or neither (then every "
          + "resource must name a Secret in spec.credentialsSecretRef)");
    }
    return Optional.of(new CloudCredentials(accessKey.get(), secretKey.get(), text(env, SECURITY_TOKEN),
        text(env, DOMAIN_ID)));
  }

  private static Set<String> namespaces(Map<String, String> env) {
    return text(env, WATCH_NAMESPACES)
        .map(value -> Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet()))
        .orElse(Set.of());
  }

  private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
    Duration value = text(env, name).map(text -> Durations.parse(name, text)).orElse(defaultValue);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigurationException(name + " must be longer than zero");
    }
    return value;
  }

  private static int integer(Map<String, String> env, String name, int defaultValue, int min, int max) {
    Optional<String> text = text(env, name);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + "='" + text.get() + "' must be a whole number from " + min + " to "
          + max);
    }
  }

  private static Optional<String> text(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
  }
}
