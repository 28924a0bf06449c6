package dev.operators.permissionset.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Kubernetes Events about an object, the way kubectl describe shows them. An event that repeats
 * one this recorder wrote (same object, type, reason and message) is not written again: the existing Event's
 * count and lastTimestamp are patched, as client-go's recorder does, so a flapping resource shows "x5 over 3m"
 * instead of five lines.
 *
 * <p>Writes happen on one background thread from a bounded queue: recording never blocks the caller and never
 * throws. When the API server is slow enough for the queue to fill, events are dropped and counted; a failed
 * write is logged and counted. Both show in {@code permissionset_kubernetes_events_total}.
 */
public final class EventRecorder implements AutoCloseable {

  /** Kubernetes Event types. */
  public enum Type {
    NORMAL("Normal"), WARNING("Warning");

    private final String value;

    Type(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }
  }

  /** The API server's limit for an Event's note, which kubectl also truncates to. */
  static final int MAX_MESSAGE_LENGTH = 1024;
  static final String EVENTS_METER = "permissionset.kubernetes.events";
  private static final int MAX_NAME_PREFIX = 236;
  private static final int REMEMBERED_EVENTS = 4096;
  private static final int QUEUE_CAPACITY = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private record Key(String namespace, String uid, Type type, String reason, String message) {
  }

  private record Written(String name, int count) {
  }

  private final KubernetesClient kubernetes;
  private final String component;
  private final String controller;
  private final String instance;
  private final Clock clock;
  private final ThreadPoolExecutor writer;
  private final MeterRegistry registry;
  // touched only on the writer thread
  private final Map<Key, Written> written = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
      return size() > REMEMBERED_EVENTS;
    }
  };

  /**
   * @param component the short name kubectl shows in the From column (source.component)
   * @param controller the qualified name of the reporting controller, for example {@code example.dev/operator}
   * @param instance this replica, for example the pod name
   */
  public EventRecorder(KubernetesClient kubernetes, String component, String controller, String instance,
      Clock clock, MeterRegistry registry) {
    this.kubernetes = Objects.requireNonNull(kubernetes, "kubernetes");
    this.component = Objects.requireNonNull(component, "component");
    this.controller = Objects.requireNonNull(controller, "controller");
    this.instance = Objects.requireNonNull(instance, "instance");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY),
        runnable -> {
          Thread thread = new Thread(runnable, "event-recorder");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Queues an event about {@code object}; returns at once. The message must not hold secrets. */
  public void record(HasMetadata object, Type type, String reason, String message) {
    ObjectReference involved = new ObjectReferenceBuilder()
        .withApiVersion(object.getApiVersion())
        .withKind(object.getKind())
        .withNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid())
        .withResourceVersion(object.getMetadata().getResourceVersion())
        .build();
    String note = message.length() <= MAX_MESSAGE_LENGTH ? message
        : message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    try {
      writer.execute(() -> write(involved, type, reason, note, now));
    } catch (RejectedExecutionException e) {
      count("dropped");
      LOG.warn("Dropped event {} for {}/{}: the API server is not keeping up with events", reason,
          involved.getNamespace(), involved.getName());
    }
  }

  private void write(ObjectReference involved, Type type, String reason, String message, Instant now) {
    Key key = new Key(namespaceOf(involved), involved.getUid(), type, reason, message);
    try {
      Written earlier = written.get(key);
      if (earlier != null && increment(namespaceOf(involved), earlier, now)) {
        written.put(key, new Written(earlier.name(), earlier.count() + 1));
        count("aggregated");
        return;
      }
      String name = create(involved, type, reason, message, now);
      written.put(key, new Written(name, 1));
      count("written");
    } catch (KubernetesClientException e) {
      count("failed");
      LOG.warn("Could not write event {} for {}/{} (HTTP {}): {}", reason, involved.getNamespace(),
          involved.getName(), e.getCode(), e.getMessage());
    } catch (RuntimeException e) {
      count("failed");
      LOG.warn("Could not write event {} for {}/{}: {}", reason, involved.getNamespace(), involved.getName(),
          e.toString());
    }
  }

  /** Where an Event about the object goes: its namespace, or, for a cluster-scoped object, default, as kubectl expects. */
  private static String namespaceOf(ObjectReference involved) {
    return involved.getNamespace() == null ? "default" : involved.getNamespace();
  }

  /** Counts one more occurrence on the Event written earlier; false when it has expired meanwhile. */
  private boolean increment(String namespace, Written earlier, Instant now) {
    // a merge patch of just these fields; patching with the object saves the read that patching with text costs
    Event change = new EventBuilder()
        .withNewMetadata().withName(earlier.name()).withNamespace(namespace).endMetadata()
        .withCount(earlier.count() + 1)
        .withLastTimestamp(timestamp(now))
        .build();
    try {
      kubernetes.v1().events().inNamespace(namespace).resource(change).patch(PatchContext.of(PatchType.JSON_MERGE));
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private String create(ObjectReference involved, Type type, String reason, String message, Instant now) {
    String prefix = involved.getName().length() > MAX_NAME_PREFIX
        ? involved.getName().substring(0, MAX_NAME_PREFIX) : involved.getName();
    String name = prefix + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    kubernetes.v1().events().inNamespace(namespaceOf(involved)).resource(new EventBuilder()
            .withNewMetadata().withName(name).withNamespace(namespaceOf(involved)).endMetadata()
            .withInvolvedObject(involved)
            .withType(type.value())
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(timestamp(now))
            .withLastTimestamp(timestamp(now))
            .withNewSource().withComponent(component).endSource()
            .withReportingComponent(controller)
            .withReportingInstance(instance)
            .build())
        .create();
    return name;
  }

  private void count(String result) {
    Counter.builder(EVENTS_METER)
        .description("Kubernetes Events by result: written (new), aggregated (count of an existing one raised), "
            + "failed (the API server refused) or dropped (queue full)")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  private static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /** Writes what is queued, for up to two seconds, then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
