package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Watches the benchmark's resources and notes, on the driver's clock, when each was created and when it first
 * became terminal: Ready=True or Stalled=True for its current generation. Conditions carry timestamps of one
 * second, too coarse for a run whose bound is tens of seconds; a watch sees the change within milliseconds.
 */
final class ConvergenceTracker implements AutoCloseable {

  private final Map<String, Long> createdAt = new ConcurrentHashMap<>();
  private final Map<String, Long> terminalAt = new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private final SharedIndexInformer<PermissionSetProvisioning> informer;

  private ConvergenceTracker(KubernetesClient kubernetes, String namespace) {
    this.informer = kubernetes.resources(PermissionSetProvisioning.class).inNamespace(namespace)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(PermissionSetProvisioning resource) {
            observe(resource);
          }

          @Override
          public void onUpdate(PermissionSetProvisioning before, PermissionSetProvisioning after) {
            observe(after);
          }

          @Override
          public void onDelete(PermissionSetProvisioning resource, boolean finalStateUnknown) {
            // the benchmark deletes nothing
          }
        });
  }

  /** Starts watching; returns once the first list is in, so no later change can be missed. */
  static ConvergenceTracker watch(KubernetesClient kubernetes, String namespace) {
    return new ConvergenceTracker(kubernetes, namespace);
  }

  /** The create call for this resource returned at this {@link System#nanoTime()}. */
  void created(String name, long nanoTime) {
    createdAt.put(name, nanoTime);
  }

  /**
   * Waits until this many resources are terminal or the time is up.
   *
   * @return whether all of them became terminal
   */
  boolean awaitTerminal(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (terminalAt.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
    return true;
  }

  int terminalCount() {
    return terminalAt.size();
  }

  /** Creation to terminal state, for every terminal resource whose creation was recorded. */
  Map<String, Duration> timesToTerminal() {
    Map<String, Duration> times = new ConcurrentHashMap<>();
    terminalAt.forEach((name, terminal) -> {
      Long created = createdAt.get(name);
      if (created != null) {
        times.put(name, Duration.ofNanos(Math.max(0, terminal - created)));
      }
    });
    return times;
  }

  /** When the last resource became terminal, as a {@link System#nanoTime()}. */
  long lastTerminalAt() {
    return terminalAt.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
  }

  static boolean terminal(PermissionSetProvisioning resource) {
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null || !Objects.equals(status.getObservedGeneration(), resource.getMetadata().getGeneration())) {
      return false;
    }
    return isTrue(status, "Ready") || isTrue(status, "Stalled");
  }

  private static boolean isTrue(PermissionSetProvisioningStatus status, String type) {
    return status.condition(type).map(Condition::getStatus).map("True"::equals).orElse(false);
  }

  private void observe(PermissionSetProvisioning resource) {
    if (terminal(resource) && terminalAt.putIfAbsent(resource.getMetadata().getName(), System.nanoTime()) == null) {
      synchronized (progress) {
        progress.notifyAll();
      }
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
