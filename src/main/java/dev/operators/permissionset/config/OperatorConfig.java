package dev.operators.permissionset.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything the operator reads from its environment, validated once at start-up.
 *
 * @param watchNamespaces the namespaces to watch; empty means every namespace
 * @param labelSelector only resources matching it are reconciled; empty means all
 * @param instance this replica's name (the pod name in a cluster): the leader election identity and the
 *     reporting instance of Events
 * @param operatorNamespace the operator's namespace, where the Secrets of cluster connections are; empty: the
 *     Kubernetes client configuration's
 * @param connectionCheckInterval how often a connection that works is checked again
 */
public record OperatorConfig(Set<String> watchNamespaces, Timing timing, Duration connectTimeout,
    Duration readTimeout, double cloudCallsPerSecond, int reconcileThreads, int healthPort,
    Optional<String> labelSelector, LeaderElection leaderElection, String instance, Optional<String> operatorNamespace,
    Duration connectionCheckInterval) {

  public static final String WATCH_NAMESPACES = "WATCH_NAMESPACES";
  public static final String POLL_INITIAL_INTERVAL = "POLL_INITIAL_INTERVAL";
  public static final String POLL_MAX_INTERVAL = "POLL_MAX_INTERVAL";
  public static final String RETRY_INITIAL_INTERVAL = "RETRY_INITIAL_INTERVAL";
  public static final String RETRY_MAX_INTERVAL = "RETRY_MAX_INTERVAL";
  public static final String PROVISIONING_TIMEOUT = "PROVISIONING_TIMEOUT";
  public static final String CLOUD_LIST_LAG = "CLOUD_LIST_LAG";
  public static final String CONNECTION_CHECK_INTERVAL = "CONNECTION_CHECK_INTERVAL";
  public static final String DRIFT_CHECK_INTERVAL = "DRIFT_CHECK_INTERVAL";
  public static final String HTTP_CONNECT_TIMEOUT = "HTTP_CONNECT_TIMEOUT";
  public static final String HTTP_READ_TIMEOUT = "HTTP_READ_TIMEOUT";
  public static final String CLOUD_RATE_LIMIT = "CLOUD_RATE_LIMIT";
  public static final String RECONCILE_THREADS = "RECONCILE_THREADS";
  public static final String HEALTH_PORT = "HEALTH_PORT";
  public static final String RESOURCE_LABEL_SELECTOR = "RESOURCE_LABEL_SELECTOR";
  /** Read by log4j2.xml; checked here so that a typo fails the start instead of silently logging text. */
  public static final String LOG_FORMAT = "LOG_FORMAT";
  /** Read by log4j2.xml, which would fall back to its default level on a typo without a word. */
  public static final String LOG_LEVEL = "LOG_LEVEL";
  public static final String LEADER_ELECTION = "LEADER_ELECTION";
  public static final String LEADER_ELECTION_LEASE_NAME = "LEADER_ELECTION_LEASE_NAME";
  public static final String LEADER_ELECTION_LEASE_NAMESPACE = "LEADER_ELECTION_LEASE_NAMESPACE";
  public static final String LEADER_ELECTION_LEASE_DURATION = "LEADER_ELECTION_LEASE_DURATION";
  public static final String LEADER_ELECTION_RENEW_DEADLINE = "LEADER_ELECTION_RENEW_DEADLINE";
  public static final String LEADER_ELECTION_RETRY_PERIOD = "LEADER_ELECTION_RETRY_PERIOD";
  /** Set from the downward API in deploy/: the pod's name and namespace. */
  public static final String POD_NAME = "POD_NAME";
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String HOSTNAME = "HOSTNAME";

  private static final List<String> LOG_LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
  /** A namespace's name: an RFC 1123 label. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** An object's name, such as a Lease's: an RFC 1123 subdomain. */
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public OperatorConfig {
    watchNamespaces = Set.copyOf(watchNamespaces);
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(labelSelector, "labelSelector");
    Objects.requireNonNull(leaderElection, "leaderElection");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(operatorNamespace, "operatorNamespace");
    Objects.requireNonNull(connectionCheckInterval, "connectionCheckInterval");
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    text(env, LOG_FORMAT).filter(format -> !format.equals("text") && !format.equals("json")).ifPresent(format -> {
      throw new ConfigurationException(LOG_FORMAT + "='" + format + "' must be text or json");
    });
    text(env, LOG_LEVEL).filter(level -> !LOG_LEVELS.contains(level.toUpperCase(Locale.ROOT))).ifPresent(level -> {
      throw new ConfigurationException(LOG_LEVEL + "='" + level + "' must be one of " + String.join(", ", LOG_LEVELS));
    });
    Timing timing = new Timing(
        duration(env, POLL_INITIAL_INTERVAL, Duration.ofSeconds(2)),
        duration(env, POLL_MAX_INTERVAL, Duration.ofSeconds(60)),
        duration(env, RETRY_INITIAL_INTERVAL, Duration.ofSeconds(2)),
        duration(env, RETRY_MAX_INTERVAL, Duration.ofMinutes(5)),
        duration(env, PROVISIONING_TIMEOUT, Duration.ofMinutes(30)),
        duration(env, CLOUD_LIST_LAG, Duration.ofSeconds(10)),
        duration(env, DRIFT_CHECK_INTERVAL, Duration.ofMinutes(10)));
    return new OperatorConfig(namespaces(env), timing,
        duration(env, HTTP_CONNECT_TIMEOUT, Duration.ofSeconds(5)),
        duration(env, HTTP_READ_TIMEOUT, Duration.ofSeconds(30)),
        rate(env, CLOUD_RATE_LIMIT, 19),
        integer(env, RECONCILE_THREADS, 10, 1, 200),
        integer(env, HEALTH_PORT, 8080, 0, 65535),
        labelSelector(env),
        leaderElection(env),
        text(env, POD_NAME).or(() -> text(env, HOSTNAME))
            .orElseGet(() -> "permission-set-operator-" + UUID.randomUUID().toString().substring(0, 8)),
        namespace(env, POD_NAMESPACE),
        duration(env, CONNECTION_CHECK_INTERVAL, Duration.ofMinutes(5)));
  }

  private static LeaderElection leaderElection(Map<String, String> env) {
    return new LeaderElection(
        bool(env, LEADER_ELECTION, false),
        leaseName(env),
        namespace(env, LEADER_ELECTION_LEASE_NAMESPACE).or(() -> namespace(env, POD_NAMESPACE)),
        duration(env, LEADER_ELECTION_LEASE_DURATION, Duration.ofSeconds(15)),
        duration(env, LEADER_ELECTION_RENEW_DEADLINE, Duration.ofSeconds(10)),
        duration(env, LEADER_ELECTION_RETRY_PERIOD, Duration.ofSeconds(2)));
  }

  private static Optional<String> labelSelector(Map<String, String> env) {
    Optional<String> selector = text(env, RESOURCE_LABEL_SELECTOR);
    selector.ifPresent(value -> {
      if (!LabelSelectors.valid(value)) {
        throw new ConfigurationException(RESOURCE_LABEL_SELECTOR + "='" + value + "' is not a label selector; "
            + "write it as kubectl -l takes it, for example 'shard=a' or 'team in (payments,billing),!legacy'");
      }
    });
    return selector;
  }

  private static boolean bool(Map<String, String> env, String name, boolean defaultValue) {
    Optional<String> value = text(env, name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigurationException(name + "='" + value.get() + "' must be true or false");
    };
  }

  private static Set<String> namespaces(Map<String, String> env) {
    Optional<String> list = text(env, WATCH_NAMESPACES);
    if (list.isEmpty()) {
      return Set.of();
    }
    Set<String> names = Arrays.stream(list.get().split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    names.stream().filter(name -> !DNS_LABEL.matcher(name).matches()).sorted().findFirst().ifPresent(name -> {
      throw new ConfigurationException(WATCH_NAMESPACES + "='" + list.get() + "': '" + name + "' is not a namespace "
          + "name (lower-case letters, digits and '-', at most 63); separate names with commas, for example "
          + "'team-a,team-b', or leave it empty for all namespaces");
    });
    return names;
  }

  private static Optional<String> namespace(Map<String, String> env, String name) {
    Optional<String> namespace = text(env, name);
    namespace.filter(value -> !DNS_LABEL.matcher(value).matches()).ifPresent(value -> {
      throw new ConfigurationException(name + "='" + value + "' is not a namespace name (lower-case letters, digits "
          + "and '-', at most 63)");
    });
    return namespace;
  }

  private static String leaseName(Map<String, String> env) {
    String leaseName = text(env, LEADER_ELECTION_LEASE_NAME).orElse(LeaderElection.DEFAULT_LEASE_NAME);
    if (leaseName.length() > 253 || !DNS_SUBDOMAIN.matcher(leaseName).matches()) {
      throw new ConfigurationException(LEADER_ELECTION_LEASE_NAME + "='" + leaseName + "' is not a Lease name "
          + "(lower-case letters, digits, '-' and '.', at most 253)");
    }
    return leaseName;
  }

  private static Duration duration(Map<String, String> env, String name, Duration defaultValue) {
    Optional<String> text = text(env, name);
    Duration value = text.map(written -> Durations.parse(name, written)).orElse(defaultValue);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigurationException(name + "='" + text.orElse("") + "' must be longer than zero; write it like "
          + "500ms, 5s, 2m or 1h");
    }
    return value;
  }

  private static double rate(Map<String, String> env, String name, double defaultValue) {
    Optional<String> text = text(env, name);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(text.get());
      if (!(value >= 0.1 && value <= 10_000)) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(name + "='" + text.get() + "' must be a number of calls per second from 0.1 "
          + "to 10000, for example 18");
    }
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
