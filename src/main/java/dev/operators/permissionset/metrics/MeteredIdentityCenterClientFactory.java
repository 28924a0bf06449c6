package dev.operators.permissionset.metrics;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.Page;
import dev.operators.permissionset.identitycenter.PermissionSet;
import dev.operators.permissionset.identitycenter.ProvisioningRequest;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningSummary;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Counts and times every Identity Center call, whichever cloud answers it, by operation and outcome. Operations
 * are the {@link IdentityCenterClient} methods, so one {@code findPermissionSetByName} may be several HTTP pages.
 */
public final class MeteredIdentityCenterClientFactory implements IdentityCenterClientFactory {

  static final String CALLS = "identitycenter.client.calls";
  static final String CALL_DURATION = "identitycenter.client.call.duration";
  static final String THROTTLED = "identitycenter.client.throttled";
  static final String IN_FLIGHT = "identitycenter.client.calls.in.flight";

  private final IdentityCenterClientFactory delegate;
  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();

  public MeteredIdentityCenterClientFactory(IdentityCenterClientFactory delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
    Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("Identity Center calls waiting for an answer now")
        .register(registry);
  }

  @Override
  public IdentityCenterClient forConnection(CloudAccess access) {
    return new MeteredClient(delegate.forConnection(access));
  }

  @Override
  public void release(CloudAccess access) {
    delegate.release(access);
  }

  private <T> T metered(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    String outcome = "success";
    String code = "2xx";
    try {
      return call.get();
    } catch (IdentityCenterException e) {
      outcome = e.category().name().toLowerCase(Locale.ROOT);
      code = e.httpStatus() > 0 ? Integer.toString(e.httpStatus()) : "none";
      if (e.category() == ErrorCategory.THROTTLED) {
        Counter.builder(THROTTLED)
            .description("Identity Center calls the cloud's rate limit refused")
            .tag("operation", operation)
            .register(registry)
            .increment();
      }
      throw e;
    } catch (RuntimeException e) {
      outcome = "error";
      code = "none";
      throw e;
    } finally {
      inFlight.decrementAndGet();
      Counter.builder(CALLS)
          .description("Identity Center calls by operation, outcome (success or the error category) and HTTP "
              + "status (2xx on success, none when no response arrived)")
          .tag("operation", operation)
          .tag("outcome", outcome)
          .tag("code", code)
          .register(registry)
          .increment();
      Timer.builder(CALL_DURATION)
          .description("How long Identity Center calls took, by operation and outcome")
          .tag("operation", operation)
          .tag("outcome", outcome)
          .register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private final class MeteredClient implements IdentityCenterClient {

    private final IdentityCenterClient client;

    MeteredClient(IdentityCenterClient client) {
      this.client = client;
    }

    @Override
    public ProvisioningRequest provision(String instanceId, String permissionSetId, ProvisioningTarget target) {
      return metered("provision", () -> client.provision(instanceId, permissionSetId, target));
    }

    @Override
    public ProvisioningRequest describeProvisioning(String instanceId, String requestId) {
      return metered("describeProvisioning", () -> client.describeProvisioning(instanceId, requestId));
    }

    @Override
    public Page<ProvisioningSummary> listProvisioning(String instanceId, Optional<ProvisioningStatus> status,
        Optional<String> marker) {
      return metered("listProvisioning", () -> client.listProvisioning(instanceId, status, marker));
    }

    @Override
    public Page<String> listAccountsForProvisionedPermissionSet(String instanceId, String permissionSetId,
        Optional<AccountProvisioningStatus> status, Optional<String> marker) {
      return metered("listAccounts", () -> client.listAccountsForProvisionedPermissionSet(instanceId,
          permissionSetId, status, marker));
    }

    @Override
    public Optional<PermissionSet> findPermissionSetByName(String instanceId, String name) {
      return metered("findPermissionSetByName", () -> client.findPermissionSetByName(instanceId, name));
    }

    @Override
    public void checkAccess() {
      metered("checkAccess", () -> {
        client.checkAccess();
        return null;
      });
    }
  }
}
