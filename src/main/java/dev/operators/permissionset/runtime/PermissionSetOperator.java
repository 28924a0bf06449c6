package dev.operators.permissionset.runtime;

import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.reconciler.CredentialsResolver;
import dev.operators.permissionset.reconciler.PermissionSetProvisioningReconciler;
import dev.operators.permissionset.reconciler.ProvisioningSchedule;
import dev.operators.permissionset.reconciler.ProvisioningStatusFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.time.Clock;
import java.time.Duration;

/** The operator as one unit: the JOSDK runtime with our reconciler registered, as Main, the demo and tests run it. */
public final class PermissionSetOperator implements AutoCloseable {

  /** A backstop: every resource is looked at this often even when nothing happened. Settled ones cost no cloud call. */
  static final Duration MAX_RECONCILIATION_INTERVAL = Duration.ofMinutes(10);

  private final Operator operator;
  private final PermissionSetProvisioningReconciler reconciler;

  private PermissionSetOperator(Operator operator, PermissionSetProvisioningReconciler reconciler) {
    this.operator = operator;
    this.reconciler = reconciler;
  }

  public static PermissionSetOperator create(KubernetesClient kubernetes, OperatorConfig config,
      IdentityCenterClientFactory clients, Clock clock) {
    Operator operator = new Operator(o -> o
        .withKubernetesClient(kubernetes)
        // JSON-patch status writes work on every API server and on the mock server the tests use
        .withUseSSAToPatchPrimaryResource(false)
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(config.reconcileThreads())
        .withReconciliationTerminationTimeout(Duration.ofSeconds(10)));
    ProvisioningStatusFactory statuses = new ProvisioningStatusFactory(clock);
    PermissionSetProvisioningReconciler reconciler = new PermissionSetProvisioningReconciler(clients,
        new CredentialsResolver(kubernetes, config.defaultCredentials()), statuses,
        new ProvisioningSchedule(config.timing()));
    // Cloud failures are retried by the reconciler itself; this retry covers the rest (a failed status write)
    // and, unlike JOSDK's default, never gives up.
    GenericRetry retry = GenericRetry.defaultLimitedExponentialRetry()
        .withoutMaxAttempts()
        .setMaxInterval(config.timing().retryMax().toMillis());
    operator.register(reconciler, c -> {
      c.withRetry(retry).withReconciliationMaxInterval(MAX_RECONCILIATION_INTERVAL);
      if (config.watchNamespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(config.watchNamespaces());
      }
    });
    return new PermissionSetOperator(operator, reconciler);
  }

  public void start() {
    operator.start();
  }

  public boolean started() {
    return operator.getRuntimeInfo().isStarted();
  }

  public boolean healthy() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
    reconciler.close();
  }

}
