package dev.operators.permissionset.reconciler;

import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
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
 * <p>Answers live only in memory: after a restart the recorded intent leads to {@link RequestRecovery}, as for any
 * answer that got lost.
 */
final class ProvisionCalls implements AutoCloseable {

  /** A resource deleted while its call ran never picks the answer up; it is forgotten after this long. */
  static final Duration UNCLAIMED_ANSWER_LIFETIME = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(ProvisionCalls.class);

  /** What a call for one generation of a resource brought back: the request, or why there is none. */
  record Answer(long generation, Optional<ProvisioningRequest> request, Optional<IdentityCenterException> error,
      Instant at) {

    static Answer of(long generation, ProvisioningRequest request, Instant at) {
      return new Answer(generation, Optional.of(request), Optional.empty(), at);
    }

    static Answer failed(long generation, IdentityCenterException error, Instant at) {
      return new Answer(generation, Optional.empty(), Optional.of(error), at);
    }

    ProvisioningRequest requestOrThrow() {
      return request.orElseThrow(error::orElseThrow);
    }
  }

  private final Set<String> running = new HashSet<>();
  private final Map<String, Answer> answers = new HashMap<>();
  private final ExecutorService callers;
  private final Clock clock;
  private final Consumer<ResourceID> wakeUp;

  ProvisionCalls(int threads, Clock clock, Consumer<ResourceID> wakeUp) {
    this(callerThreads(threads), clock, wakeUp);
  }

  ProvisionCalls(ExecutorService callers, Clock clock, Consumer<ResourceID> wakeUp) {
    this.callers = callers;
    this.clock = clock;
    this.wakeUp = wakeUp;
  }

  private static ExecutorService callerThreads(int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "provision-call-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Whether a call for the resource, of any generation, has not answered yet: for tests of the one-call rule. */
  synchronized boolean running(String uid) {
    return running.contains(uid);
  }

  /**
   * The answer of the call made for this generation, once; else starts the call, unless one runs for the resource,
   * and the resource is woken when it answers. One step, so that an answer arriving in between cannot start a second
   * call. An answer for another generation is dropped, as the status write that would have recorded it fails when
   * the spec changes under it.
   */
  synchronized Optional<Answer> answerOrCall(String uid, long generation, ResourceID resource,
      Supplier<ProvisioningRequest> call) {
    Optional<Answer> answer = Optional.ofNullable(answers.remove(uid))
        .filter(answered -> answered.generation() == generation);
    if (answer.isEmpty() && running.add(uid)) {
      start(uid, generation, resource, call);
    }
    return answer;
  }

  private void start(String uid, long generation, ResourceID resource, Supplier<ProvisioningRequest> call) {
    Instant now = clock.instant();
    answers.values().removeIf(answer -> answer.at().plus(UNCLAIMED_ANSWER_LIFETIME).isBefore(now));
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
      throw new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.UNAVAILABLE, 0, null,
          "the operator is shutting down; the call was not sent", null, e);
    }
  }

  /** Calls running or answered and not yet picked up: what this holds, for tests of its bounds. */
  synchronized int size() {
    return running.size() + answers.size();
  }

  @Override
  public void close() {
    callers.shutdownNow();
  }

  private void answer(String uid, long generation, ResourceID resource, Supplier<ProvisioningRequest> call) {
    Answer answer;
    try {
      answer = Answer.of(generation, call.get(), clock.instant());
    } catch (IdentityCenterException e) {
      answer = Answer.failed(generation, e, clock.instant());
    } catch (RuntimeException e) {
      LOG.error("The provision call for generation {} failed unexpectedly", generation, e);
      answer = Answer.failed(generation, new IdentityCenterException("ProvisionPermissionSet",
          ErrorCategory.INVALID_RESPONSE, 0, null, "the call failed unexpectedly: " + e.getClass().getSimpleName(),
          null, e), clock.instant());
    }
    synchronized (this) {
      running.remove(uid);
      answers.put(uid, answer);
    }
    wakeUp.accept(resource);
  }
}
