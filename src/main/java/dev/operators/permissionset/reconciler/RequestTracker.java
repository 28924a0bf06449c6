package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.CloudOperation;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every provisioning request in flight of an instance with a few list calls per poll, instead of one
 * describe per request per poll: the cloud's quota is shared by all resources, and polling must not eat it.
 *
 * <p>Each poll lists the instance's IN_PROGRESS requests, every page: that costs what is in flight, not the
 * instance's history. A tracked request missing from that list is a candidate, nothing more: the list may have
 * shifted under the pages (offset markers), or lag behind. The poll then pages the unfiltered list, which carries
 * each request's status, and stops as soon as it found every candidate, once the dates show a newest-first list
 * has gone past the candidates, or once another page would cost more than describing the candidates still
 * missing. A request is finished only on what the cloud said about that very request: listed SUCCEEDED, listed
 * FAILED (then described once, for its reason), or described. A candidate no list showed is described, unless
 * the tracker has followed it for less than the list lag: lists may not show it yet. The resource is told when its
 * request finishes. Polls come at half of how long requests usually take, so a request is seen in progress at least
 * once, between a floor and {@code POLL_MAX_INTERVAL}.
 *
 * <p>When listing keeps failing, {@link #follow} says so and the caller describes its request itself, so that the
 * resource shows the cloud's error and still gets its outcome; the tracker keeps following and polling, backing
 * off, and takes over again with the first poll that works. Not when listing is throttled: a describe per resource
 * would only add to the load, so the tracker backs off and the resources wait.
 *
 * <p>A request is followed until it finishes or its resource is {@linkplain #forget forgotten}; an outcome its
 * resource does not pick up is dropped after ten times {@code POLL_MAX_INTERVAL}. An instance with nothing followed and
 * nothing to tell is released, with the client (and so the credentials) it holds.
 */
final class RequestTracker implements AutoCloseable {

  /** What the tracker knows of a request. */
  sealed interface Progress {

    /** The request finished; this is its outcome, as the cloud told it for this request. */
    record Finished(ProvisioningRequest request) implements Progress {
    }

    /** Still in flight, or not yet looked at; the listener hears when it finishes. */
    record InFlight() implements Progress {
    }

    /**
     * The instance's requests cannot be listed now; the caller should ask about its request itself. The tracker
     * still follows it.
     */
    record ListingFails(IdentityCenterException failure) implements Progress {
    }
  }

  /** Hears, on the tracker's thread, which request finished, for which resource. */
  interface Listener {
    void requestFinished(ResourceID resource, String uid, String requestId);
  }

  static final Duration FLOOR = Duration.ofMillis(500);
  static final int FAILURES_BEFORE_FALLBACK = 3;
  private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);
  private static final int MAX_PAGES = 1000;

  private final Clock clock;
  private final Duration initialInterval;
  private final Duration maxInterval;
  private final Duration listLag;
  private final Listener listener;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Instance> instances = new HashMap<>();
  /** How long requests took, per tracking key: kept when an instance is released, so its next poll starts wise. */
  private final Map<String, Duration> typicalDurations = new HashMap<>();

  /**
   * @param listLag how long after its creation a request may still be missing from the cloud's lists
   */
  RequestTracker(Clock clock, Duration initialInterval, Duration maxInterval, Duration listLag, Listener listener) {
    this.clock = clock;
    this.initialInterval = initialInterval;
    this.maxInterval = maxInterval;
    this.listLag = listLag;
    this.listener = listener;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "request-tracker");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Follows the request for the resource, and tells what is known of it. A finished request is told once.
   *
   * @param client the client to list the instance's requests with, from now on
   * @param trackingKey what a tracker serves: one instance, seen with one set of credentials
   * @param uid the resource's uid, by which {@link #forget} lets go of it
   */
  synchronized Progress follow(IdentityCenterClient client, String trackingKey, String instanceId,
      String requestId, ResourceID resource, String uid) {
    Instance instance = instances.computeIfAbsent(trackingKey, key -> new Instance(key, instanceId));
    instance.client = client;
    Outcome finished = instance.finished.remove(requestId);
    if (finished != null) {
      releaseIfIdle(instance);
      return new Progress.Finished(finished.request());
    }
    instance.tracked.computeIfAbsent(requestId, id -> new Tracked(resource, uid, clock.instant()));
    if (!instance.polling) {
      instance.polling = true;
      schedulePoll(instance, instance.interval());
    }
    return instance.fallback ? new Progress.ListingFails(instance.lastFailure) : new Progress.InFlight();
  }

  /** Lets go of everything followed for the resource, as when it was deleted. */
  synchronized void forget(String uid) {
    for (Instance instance : List.copyOf(instances.values())) {
      instance.tracked.values().removeIf(tracked -> tracked.uid.equals(uid));
      instance.finished.values().removeIf(outcome -> outcome.uid().equals(uid));
      releaseIfIdle(instance);
    }
  }

  /** Whether a request of the resource is followed until it finishes. */
  synchronized boolean follows(String uid) {
    return instances.values().stream().anyMatch(instance -> instance.tracked.values().stream()
        .anyMatch(tracked -> tracked.uid.equals(uid)));
  }

  /** Requests followed or finished and not yet told: what the tracker holds, for tests of its bounds. */
  synchronized int size() {
    return instances.values().stream().mapToInt(i -> i.tracked.size() + i.finished.size()).sum();
  }

  /** Instances held, each with a client: for tests of its bounds. */
  synchronized int instancesHeld() {
    return instances.size();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  private void schedulePoll(Instance instance, Duration after) {
    scheduler.schedule(() -> poll(instance), after.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void releaseIfIdle(Instance instance) {
    if (instance.tracked.isEmpty() && instance.finished.isEmpty()) {
      instances.remove(instance.key, instance);
      instance.polling = false;
    }
  }

  private void poll(Instance instance) {
    IdentityCenterClient client;
    Map<String, Tracked> followed;
    synchronized (this) {
      if (instances.get(instance.key) != instance) {
        return;
      }
      dropUnclaimed(instance);
      if (instance.tracked.isEmpty()) {
        releaseIfIdle(instance);
        if (instance.polling) {
          schedulePoll(instance, instance.interval());
        }
        return;
      }
      client = instance.client;
      followed = Map.copyOf(instance.tracked);
    }
    Sweep sweep = new Sweep(instance, client, followed);
    try {
      sweep.run();
      worked(instance);
    } catch (IdentityCenterException e) {
      failed(instance, e);
    } catch (RuntimeException e) {
      LOG.error("Following the provisioning requests of instance {} failed unexpectedly", instance.instanceId, e);
    } finally {
      settle(instance, sweep.outcomes).forEach(done -> listener.requestFinished(done.resource, done.uid,
          done.requestId));
      synchronized (this) {
        if (instances.get(instance.key) == instance) {
          schedulePoll(instance, instance.interval());
        }
      }
    }
  }

  /** One poll's reading of the lists, and the describes it needs. */
  private final class Sweep {
    private final Instance instance;
    private final IdentityCenterClient client;
    private final Map<String, Tracked> followed;
    private final Map<String, ProvisioningRequest> outcomes = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    private final Set<String> inProgress = new HashSet<>();

    private Sweep(Instance instance, IdentityCenterClient client, Map<String, Tracked> followed) {
      this.instance = instance;
      this.client = client;
      this.followed = followed;
    }

    private void run() {
      readAll(Optional.of(ProvisioningStatus.IN_PROGRESS));
      Set<String> missing = candidates();
      if (!missing.isEmpty()) {
        search(missing);
      }
      for (String requestId : failed) {
        outcomes.put(requestId, client.describeProvisioning(instance.instanceId, requestId));
      }
      for (String requestId : missing) {
        ProvisioningRequest described = client.describeProvisioning(instance.instanceId, requestId);
        if (described.status().finished()) {
          outcomes.put(requestId, described);
        } else {
          inProgress(requestId, described.createdAt());
        }
      }
    }

    /** Followed requests the IN_PROGRESS list did not show, that the lists should show by now or showed before. */
    private Set<String> candidates() {
      Instant listedByNow = clock.instant().minus(listLag);
      Set<String> candidates = new HashSet<>();
      synchronized (RequestTracker.this) {
        followed.forEach((requestId, tracked) -> {
          boolean known = outcomes.containsKey(requestId) || failed.contains(requestId)
              || inProgress.contains(requestId);
          if (!known && (tracked.toldOf() || !tracked.since.isAfter(listedByNow))) {
            candidates.add(requestId);
          }
        });
      }
      return candidates;
    }

    /**
     * Pages the unfiltered list until every candidate was found, the list has gone past them, or another page would
     * cost more than describing those still missing; what was found is taken off {@code missing}.
     */
    private void search(Set<String> missing) {
      ListOrder order = new ListOrder();
      Pager pager = new Pager();
      int pages = 0;
      do {
        Page<ProvisioningSummary> page = pager.next(client, instance.instanceId, Optional.empty());
        pages++;
        for (ProvisioningSummary summary : page.items()) {
          order.saw(summary.createdAt());
          if (seen(summary)) {
            missing.remove(summary.requestId());
          }
        }
      } while (!missing.isEmpty() && pager.hasNext() && pages < missing.size() && !pastAll(order, missing));
    }

    /** Whether the list is past the oldest of the missing candidates; never for one whose date is unknown. */
    private boolean pastAll(ListOrder order, Set<String> missing) {
      Instant oldest = Instant.MAX;
      synchronized (RequestTracker.this) {
        for (String requestId : missing) {
          Instant created = followed.get(requestId).createdAt;
          if (created == null) {
            return false;
          }
          oldest = created.isBefore(oldest) ? created : oldest;
        }
      }
      return order.restIsOlderThan(oldest);
    }

    private void readAll(Optional<ProvisioningStatus> status) {
      Pager pager = new Pager();
      do {
        pager.next(client, instance.instanceId, status).items().forEach(this::seen);
      } while (pager.hasNext());
    }

    /** Takes in what a list said about a followed request; false when the request is not followed. */
    private boolean seen(ProvisioningSummary summary) {
      String requestId = summary.requestId();
      if (!followed.containsKey(requestId)) {
        return false;
      }
      switch (summary.status()) {
        case SUCCEEDED -> outcomes.put(requestId, new ProvisioningRequest(requestId, summary.status(),
            summary.reportedStatus(), Optional.empty(), Optional.empty(), Optional.empty(), summary.createdAt()));
        case FAILED -> failed.add(requestId);
        case IN_PROGRESS -> inProgress(requestId, summary.createdAt());
      }
      return true;
    }

    private void inProgress(String requestId, Optional<Instant> createdAt) {
      inProgress.add(requestId);
      synchronized (RequestTracker.this) {
        Tracked tracked = followed.get(requestId);
        tracked.lastSeenInProgress = clock.instant();
        createdAt.ifPresent(created -> tracked.createdAt = created);
      }
    }
  }

  /** Pages of one list, refusing a marker the cloud hands out twice. */
  private static final class Pager {
    private final Set<String> markers = new HashSet<>();
    private Optional<String> marker = Optional.empty();
    private boolean started;

    private Page<ProvisioningSummary> next(IdentityCenterClient client, String instanceId,
        Optional<ProvisioningStatus> status) {
      Page<ProvisioningSummary> page = client.listProvisioning(instanceId, status, marker);
      started = true;
      marker = page.nextMarker();
      if (marker.isPresent() && (!markers.add(marker.get()) || markers.size() > MAX_PAGES)) {
        throw new IdentityCenterException(CloudOperation.LIST_PROVISIONING, ErrorCategory.INVALID_RESPONSE, 0, null,
            "the cloud kept returning pages (marker '" + marker.get() + "'); stopped paging", null, null);
      }
      return page;
    }

    private boolean hasNext() {
      return !started || marker.isPresent();
    }
  }

  /** Records what the lists and describes told; returns the requests that finished. */
  private synchronized List<Done> settle(Instance instance, Map<String, ProvisioningRequest> outcomes) {
    Instant now = clock.instant();
    List<Done> done = new ArrayList<>();
    outcomes.forEach((requestId, request) -> {
      Tracked tracked = request.status().finished() ? instance.tracked.remove(requestId) : null;
      if (tracked != null) {
        instance.learnDuration(Duration.between(tracked.since, tracked.finishedAround(now)));
        instance.finished.put(requestId, new Outcome(request, tracked.uid, now));
        done.add(new Done(tracked.resource, tracked.uid, requestId));
      }
    });
    return done;
  }

  private synchronized void worked(Instance instance) {
    if (instance.fallback) {
      LOG.info("Listing the provisioning requests of instance {} works again; the operator follows them by "
          + "listing again", instance.instanceId);
    }
    instance.failures = 0;
    instance.lastFailure = null;
    instance.fallback = false;
  }

  private synchronized void failed(Instance instance, IdentityCenterException e) {
    instance.failures++;
    if (e.category() != ErrorCategory.THROTTLED) {
      instance.lastFailure = e;
    }
    LOG.debug("Following the provisioning requests of instance {} failed ({} in a row): {}", instance.instanceId,
        instance.failures, e.summary());
    if (!instance.fallback && instance.failures >= FAILURES_BEFORE_FALLBACK && instance.lastFailure != null) {
      instance.fallback = true;
      LOG.warn("Listing the provisioning requests of instance {} keeps failing ({} polls in a row): {}; each "
          + "resource asks about its own request until listing works again, which the operator keeps trying",
          instance.instanceId, instance.failures, e.summary());
    }
  }

  /** An outcome whose resource never came for it: the listener told it, and nothing asks any more. */
  private void dropUnclaimed(Instance instance) {
    Instant cutoff = clock.instant().minus(maxInterval.multipliedBy(10));
    instance.finished.values().removeIf(outcome -> outcome.at().isBefore(cutoff));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private record Outcome(ProvisioningRequest request, String uid, Instant at) {
  }

  private record Done(ResourceID resource, String uid, String requestId) {
  }

  private static final class Tracked {
    private final ResourceID resource;
    private final String uid;
    private final Instant since;
    private Instant lastSeenInProgress;
    /** When the cloud created the request, once a list or describe told. */
    private Instant createdAt;

    private Tracked(ResourceID resource, String uid, Instant since) {
      this.resource = resource;
      this.uid = uid;
      this.since = since;
    }

    /** Whether the cloud has told of the request in progress, so that lists no longer lag behind it. */
    private boolean toldOf() {
      return lastSeenInProgress != null;
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
    /** Callers ask about their requests themselves, until a poll works. */
    private boolean fallback;

    private Instance(String key, String instanceId) {
      this.key = key;
      this.instanceId = instanceId;
    }

    private void learnDuration(Duration duration) {
      typicalDurations.merge(key, duration, (typical, latest) -> typical.multipliedBy(4).plus(latest).dividedBy(5));
    }

    /** Half the typical duration; after failures, doubling up to the cap. */
    private Duration interval() {
      if (failures > 0) {
        return min(initialInterval.multipliedBy(1L << Math.min(failures, 20)), maxInterval);
      }
      Duration typical = typicalDurations.get(key);
      Duration wanted = typical == null ? initialInterval : typical.dividedBy(2);
      return min(max(wanted, min(FLOOR, initialInterval)), maxInterval);
    }

    @Override
    public String toString() {
      return key;
    }
  }
}
