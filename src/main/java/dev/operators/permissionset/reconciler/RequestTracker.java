package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every provisioning request in flight of an instance with a few list calls per poll, instead of one
 * describe per request per poll: the cloud's quota is shared by all resources, and polling must not eat it.
 *
 * <p>Each poll lists the instance's IN_PROGRESS requests (every page). A tracked request that an earlier poll saw
 * in progress and that has left that list has finished; the FAILED list, read after it, tells which failed, and
 * only those are described, for their failure reason. Anything else that left the list SUCCEEDED (the API knows no
 * fourth status). A request no list has shown yet, which lists that lag behind could cause, is described rather
 * than guessed. The resource is woken when its request finishes. Polls come at half of how long requests usually
 * take, so a request is seen in progress at least once, between a floor and {@code POLL_MAX_INTERVAL}.
 *
 * <p>When listing keeps failing, {@link #follow} says so, and the reconciler describes its request itself: the
 * resource then shows the cloud's error and still gets its outcome. Not when listing is throttled: a describe per
 * resource would only add to the load, so the tracker backs off and the resources wait.
 */
final class RequestTracker implements AutoCloseable {

  /** What the tracker knows of a request. */
  sealed interface Progress {

    /** The request finished; this is its outcome, as a describe would have told. */
    record Finished(ProvisioningRequest request) implements Progress {
    }

    /** Still in flight, or not yet looked at; the resource is woken when it finishes. */
    record InFlight() implements Progress {
    }

    /** The instance's requests cannot be listed now; the caller should ask about its request itself. */
    record ListingFails(IdentityCenterException failure) implements Progress {
    }
  }

  static final Duration FLOOR = Duration.ofMillis(500);
  static final int FAILURES_BEFORE_FALLBACK = 3;
  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);
  private static final int MAX_PAGES = 1000;

  private final Clock clock;
  private final Duration initialInterval;
  private final Duration maxInterval;
  private final Consumer<ResourceID> wakeUp;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Instance> instances = new HashMap<>();

  RequestTracker(Clock clock, Duration initialInterval, Duration maxInterval, Consumer<ResourceID> wakeUp) {
    this.clock = clock;
    this.initialInterval = initialInterval;
    this.maxInterval = maxInterval;
    this.wakeUp = wakeUp;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "request-tracker");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Tracks the request for the resource, and tells what is known of it. A finished request is told once.
   *
   * @param client the client to list the instance's requests with, from now on
   * @param trackingKey what a tracker serves: one instance, seen with one set of credentials
   */
  synchronized Progress follow(IdentityCenterClient client, String trackingKey, String instanceId,
      String requestId, ResourceID resource) {
    Instance instance = instances.computeIfAbsent(trackingKey, key -> new Instance(key, instanceId));
    instance.client = client;
    Outcome finished = instance.finished.remove(requestId);
    if (finished != null) {
      return new Progress.Finished(finished.request());
    }
    if (instance.failures >= FAILURES_BEFORE_FALLBACK && instance.lastFailure != null) {
      return new Progress.ListingFails(instance.lastFailure);
    }
    Tracked tracked = instance.tracked.computeIfAbsent(requestId, id -> new Tracked(resource, clock.instant()));
    tracked.lastFollowed = clock.instant();
    if (!instance.polling) {
      instance.polling = true;
      scheduler.schedule(() -> poll(instance), instance.interval().toMillis(), TimeUnit.MILLISECONDS);
    }
    return new Progress.InFlight();
  }

  /** Requests tracked or finished and not yet told: what the tracker holds, for tests of its bounds. */
  synchronized int size() {
    return instances.values().stream().mapToInt(i -> i.tracked.size() + i.finished.size()).sum();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  private void poll(Instance instance) {
    IdentityCenterClient client;
    Set<String> requestIds;
    synchronized (this) {
      forgetAbandoned(instance);
      if (instance.tracked.isEmpty()) {
        instance.polling = false;
        return;
      }
      client = instance.client;
      requestIds = new HashSet<>(instance.tracked.keySet());
    }
    try {
      Set<String> inProgress = list(client, instance.instanceId, ProvisioningStatus.IN_PROGRESS);
      seen(instance, inProgress);
      Set<String> left = new HashSet<>(requestIds);
      left.removeAll(inProgress);
      Set<String> failed = left.isEmpty() ? Set.of() : list(client, instance.instanceId, ProvisioningStatus.FAILED);
      Map<String, ProvisioningRequest> outcomes = new HashMap<>();
      for (String requestId : left) {
        Tracked tracked = tracked(instance, requestId);
        if (tracked == null) {
          continue;
        }
        if (failed.contains(requestId) || tracked.lastSeenInProgress == null) {
          outcomes.put(requestId, client.describeProvisioning(instance.instanceId, requestId));
        } else {
          outcomes.put(requestId, succeeded(requestId));
        }
      }
      settle(instance, outcomes).forEach(wakeUp);
    } catch (IdentityCenterException e) {
      int failures;
      synchronized (this) {
        failures = ++instance.failures;
        if (e.category() != ErrorCategory.THROTTLED) {
          instance.lastFailure = e;
        }
      }
      LOG.warn("Listing the provisioning requests of instance {} failed ({} in a row): {}", instance.instanceId,
          failures, e.summary());
    } catch (RuntimeException e) {
      LOG.error("Following the provisioning requests of instance {} failed unexpectedly", instance.instanceId, e);
    } finally {
      synchronized (this) {
        scheduler.schedule(() -> poll(instance), instance.interval().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private synchronized Tracked tracked(Instance instance, String requestId) {
    return instance.tracked.get(requestId);
  }

  /** What the list of requests in progress showed counts even if the rest of the poll fails. */
  private synchronized void seen(Instance instance, Set<String> inProgress) {
    Instant now = clock.instant();
    instance.tracked.forEach((requestId, tracked) -> {
      if (inProgress.contains(requestId)) {
        tracked.lastSeenInProgress = now;
      }
    });
  }

  /** Records what the lists and describes told; returns the resources whose request finished. */
  private synchronized List<ResourceID> settle(Instance instance, Map<String, ProvisioningRequest> outcomes) {
    instance.failures = 0;
    instance.lastFailure = null;
    Instant now = clock.instant();
    List<ResourceID> done = new ArrayList<>();
    outcomes.forEach((requestId, request) -> {
      Tracked tracked = request.status().finished() ? instance.tracked.remove(requestId) : null;
      if (tracked != null) {
        instance.learnDuration(Duration.between(tracked.since, tracked.finishedAround(now)));
        instance.finished.put(requestId, new Outcome(request, now));
        done.add(tracked.resource);
      }
    });
    return done;
  }

  /** Requests whose resource stopped asking (deleted, or changed to another request) are not followed for ever. */
  private void forgetAbandoned(Instance instance) {
    Instant cutoff = clock.instant().minus(maxInterval.multipliedBy(10));
    instance.tracked.values().removeIf(tracked -> tracked.lastFollowed.isBefore(cutoff));
    instance.finished.values().removeIf(outcome -> outcome.at().isBefore(cutoff));
  }

  private static Set<String> list(IdentityCenterClient client, String instanceId, ProvisioningStatus status) {
    Set<String> requestIds = new HashSet<>();
    Set<String> markers = new HashSet<>();
    Optional<String> marker = Optional.empty();
    do {
      Page<ProvisioningSummary> page = client.listProvisioning(instanceId, Optional.of(status), marker);
      page.items().stream().filter(summary -> summary.status() == status)
          .forEach(summary -> requestIds.add(summary.requestId()));
      marker = page.nextMarker();
      if (marker.isPresent() && (!markers.add(marker.get()) || markers.size() > MAX_PAGES)) {
        throw new IdentityCenterException("ListPermissionSetProvisioningStatus",
            ErrorCategory.INVALID_RESPONSE, 0, null,
            "the cloud kept returning pages (marker '" + marker.get() + "'); stopped paging", null, null);
      }
    } while (marker.isPresent());
    return requestIds;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static ProvisioningRequest succeeded(String requestId) {
    return new ProvisioningRequest(requestId, ProvisioningStatus.SUCCEEDED, ProvisioningStatus.SUCCEEDED.name(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private record Outcome(ProvisioningRequest request, Instant at) {
  }

  private static final class Tracked {
    private final ResourceID resource;
    private final Instant since;
    private Instant lastFollowed;
    private Instant lastSeenInProgress;

    private Tracked(ResourceID resource, Instant since) {
      this.resource = resource;
      this.since = since;
      this.lastFollowed = since;
    }

    /**
     * When the request finished, as well as the polls can tell: between the last one that saw it in progress and
     * the one that no longer did. Learning from the later poll alone would add half an interval to every duration,
     * and so lengthen the interval itself.
     */
    private Instant finishedAround(Instant noLongerInProgress) {
      return lastSeenInProgress == null ? noLongerInProgress
          : lastSeenInProgress.plus(Duration.between(lastSeenInProgress, noLongerInProgress).dividedBy(2));
    }
  }

  private final class Instance {
    private final String key;
    private final String instanceId;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private final Map<String, Outcome> finished = new HashMap<>();
    private IdentityCenterClient client;
    private boolean polling;
    /** Failed polls in a row, throttled or not: they back off. */
    private int failures;
    /** The last failure that was not throttling, since the last poll that worked: it makes callers ask themselves. */
    private IdentityCenterException lastFailure;
    private Duration typicalDuration;

    private Instance(String key, String instanceId) {
      this.key = key;
      this.instanceId = instanceId;
    }

    private void learnDuration(Duration duration) {
      typicalDuration = typicalDuration == null ? duration
          : typicalDuration.multipliedBy(4).plus(duration).dividedBy(5);
    }

    /** Half the typical duration; after failures, doubling up to the cap. */
    private Duration interval() {
      if (failures > 0) {
        return min(initialInterval.multipliedBy(1L << Math.min(failures, 20)), maxInterval);
      }
      Duration wanted = typicalDuration == null ? initialInterval : typicalDuration.dividedBy(2);
      return min(max(wanted, min(FLOOR, initialInterval)), maxInterval);
    }

    @Override
    public String toString() {
      return key;
    }
  }
}
