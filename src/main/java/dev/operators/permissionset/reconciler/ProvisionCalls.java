package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.CloudOperation;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs provision calls off the reconcile threads. A call waits for the operator's own rate limit, which under load
 * is seconds; a reconcile thread parked there holds up every other resource's reconcile behind it, such as those
 * whose request finished and whose turn should pass on. The reconciler starts the call once the intent is recorded,
 * and the call wakes the resource when its answer is here.
 *
 * <p>An answer is kept, whatever generation it was for, until the reconciler has read back a status that records
 * it ({@link #release}) or the resource is deleted ({@link #forget}): a status write that failed, on a conflict or
 * a restart of the API server, must not lose what the cloud said. After a restart of the operator the recorded
 * intent leads to {@link RequestRecovery}, as for any answer that got lost.
 */
final class ProvisionCalls implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProvisionCalls.class);

  /** What a call made for one intent (one generation of a resource) brought back. */
  record Answer(long generation, CallOutcome outcome) {
  }

  private final Set<String> running = new HashSet<>();
  private final Map<String, Answer> answers = new HashMap<>();
  private final Map<String, Instant> backOffs = new HashMap<>();
  private final ExecutorService callers;
  private final Consumer<ResourceID> wakeUp;
  private final BiConsumer<String, CallOutcome> answeredAfterDelete;
  private boolean stopped;

  /** @param answeredAfterDelete told what a call of a resource deleted while it ran came to, by uid */
  ProvisionCalls(int threads, Consumer<ResourceID> wakeUp, BiConsumer<String, CallOutcome> answeredAfterDelete) {
    this(callerThreads(threads), wakeUp, answeredAfterDelete);
  }

  ProvisionCalls(ExecutorService callers, Consumer<ResourceID> wakeUp,
      BiConsumer<String, CallOutcome> answeredAfterDelete) {
    this.callers = callers;
    this.wakeUp = wakeUp;
    this.answeredAfterDelete = answeredAfterDelete;
  }

  private static ExecutorService callerThreads(int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "provision-call-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Whether a call for the resource has not answered yet. */
  synchronized boolean running(String uid) {
    return running.contains(uid);
  }

  /** The answer of the resource's last call, until it is released. */
  synchronized Optional<Answer> answer(String uid) {
    return Optional.ofNullable(answers.get(uid));
  }

  /**
   * Starts the call for {@code generation} of the resource, which is woken when it answers; nothing when a call of
   * the resource runs or its answer has not been released.
   */
  synchronized void start(String uid, long generation, ResourceID resource, Supplier<CallOutcome> call) {
    if (stopped) {
      answers.put(uid, new Answer(generation, new CallOutcome.Failed(notSent("this replica stopped sending provision "
          + "calls (it no longer leads, or it is shutting down)"))));
      wakeUp.accept(resource);
      return;
    }
    if (answers.containsKey(uid) || !running.add(uid)) {
      return;
    }
    backOffs.remove(uid);
    Map<String, String> logContext = MDC.getCopyOfContextMap();
    try {
      callers.execute(() -> {
        if (logContext != null) {
          MDC.setContextMap(logContext);
        }
        try {
          answer(uid, generation, resource, call);
        } finally {
          MDC.clear();
        }
      });
    } catch (RejectedExecutionException e) {
      running.remove(uid);
      answers.put(uid, new Answer(generation, new CallOutcome.Failed(notSent("the operator is shutting down"))));
    }
  }

  /** The resource's last call failed on something passing: the next is not made before {@code until}. */
  synchronized void backOff(String uid, Instant until) {
    backOffs.put(uid, until);
  }

  /** Until when the resource's next call waits, if its last one failed on something passing. */
  synchronized Optional<Instant> backOffUntil(String uid) {
    return Optional.ofNullable(backOffs.get(uid));
  }

  /** The status read back records the answer (or no longer needs it): it need not be kept any longer. */
  synchronized void release(String uid) {
    answers.remove(uid);
  }

  /**
   * What {@link #forget} found of a resource's call.
   *
   * @param running a call was running: it tells what it came to through {@code answeredAfterDelete}
   * @param answer what a call that already answered came to, not yet released
   */
  record Forgotten(boolean running, Optional<CallOutcome> answer) {
  }

  /**
   * The resource was deleted: its answer is not kept, and a running call, which may still start a request, tells
   * what it came to through {@code answeredAfterDelete} instead.
   */
  synchronized Forgotten forget(String uid) {
    Answer answered = answers.remove(uid);
    backOffs.remove(uid);
    return new Forgotten(running.remove(uid), Optional.ofNullable(answered).map(Answer::outcome));
  }

  /** Calls running or answered and not yet released: what this holds, for tests of its bounds. */
  synchronized int size() {
    return running.size() + answers.size() + backOffs.size();
  }

  /**
   * No call leaves from now on, also none already handed to a thread and waiting for the rate limit: a replica that
   * stopped leading must not provision beside the new leader, which will find the intents uncertain and ask the cloud.
   */
  void stop() {
    synchronized (this) {
      stopped = true;
    }
    callers.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized boolean sending() {
    return !stopped;
  }

  private void answer(String uid, long generation, ResourceID resource, Supplier<CallOutcome> call) {
    CallOutcome outcome;
    try {
      outcome = sending() ? call.get() : new CallOutcome.Failed(notSent("this replica stopped sending provision "
          + "calls"));
    } catch (IdentityCenterException e) {
      outcome = new CallOutcome.Failed(e);
    } catch (RuntimeException e) {
      LOG.error("The provision call for generation {} failed unexpectedly", generation, e);
      outcome = new CallOutcome.Failed(new IdentityCenterException(CloudOperation.PROVISION,
          ErrorCategory.INVALID_RESPONSE, 0, null,
          "the call failed unexpectedly: " + e.getClass().getSimpleName(), null, e));
    }
    synchronized (this) {
      if (running.remove(uid)) {
        answers.put(uid, new Answer(generation, outcome));
        outcome = null;
      }
    }
    if (outcome == null) {
      wakeUp.accept(resource);
    } else {
      answeredAfterDelete.accept(uid, outcome);
    }
  }

  private static IdentityCenterException notSent(String why) {
    return new IdentityCenterException(CloudOperation.PROVISION, ErrorCategory.UNAVAILABLE, 0, null,
        why + "; the call was not sent", null, null);
  }
}
