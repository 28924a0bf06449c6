package dev.operators.permissionset.testing;

import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.Predicate;

/** Waits for the status the operator writes on a PermissionSetProvisioning, as a client reads it back. */
public final class AwaitStatus {

  /** Generous, for a loaded machine: a passing wait ends as soon as the status is there. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

  private AwaitStatus() {
  }

  /** The resource once it exists, has a status and passes {@code test}; fails the test after {@link #TIMEOUT}. */
  public static PermissionSetProvisioning until(KubernetesClient kubernetes, String namespace, String name,
      Predicate<PermissionSetProvisioning> test) {
    return await().atMost(TIMEOUT).pollInterval(POLL_INTERVAL)
        .until(() -> kubernetes.resources(PermissionSetProvisioning.class).inNamespace(namespace).withName(name)
            .get(), resource -> resource != null && resource.getStatus() != null && test.test(resource));
  }

  /** The resource once its Ready condition has {@code reason}. */
  public static PermissionSetProvisioning withReason(KubernetesClient kubernetes, String namespace, String name,
      String reason) {
    return until(kubernetes, namespace, name, resource -> reason.equals(readyReason(resource)));
  }

  /** The reason of the resource's Ready condition, or null while it has none. */
  public static String readyReason(PermissionSetProvisioning resource) {
    return resource == null || resource.getStatus() == null ? null
        : resource.getStatus().condition("Ready").map(Condition::getReason).orElse(null);
  }
}
