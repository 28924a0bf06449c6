package dev.operators.permissionset.metrics;

import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.identitycenter.AccountProvisioningStatus;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterClientFactory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeteredIdentityCenterClientFactoryTest {

  private static final String PERMISSION_SET = READ_ONLY;
  private static final ProvisioningTarget TARGET = ProvisioningTarget.account(PAYMENTS);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(PERMISSION_SET, "ReadOnly");
  private final IdentityCenterClient client = new MeteredIdentityCenterClientFactory(cloud, registry)
      .forConnection(new CloudAccess.Huawei(FakeIdentityCenter.DEFAULT_ENDPOINT, CloudCredentials.of("AK", "SK")));

  private double calls(String operation, String outcome, String code) {
    var counter = registry.find(MeteredIdentityCenterClientFactory.CALLS)
        .tags("operation", operation, "outcome", outcome, "code", code).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsSuccessesAndFailuresByOperationOutcomeAndCode() {
    cloud.onProvision(status(ProvisioningStatus.IN_PROGRESS),
        error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.THROTTLED, 429, "IIC.429",
            "Too Many Requests", Duration.ofSeconds(3), null)),
        error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.UNAVAILABLE, 0, null,
            "connection refused", null, null)));

    client.provision(INSTANCE, PERMISSION_SET, TARGET);
    assertThatThrownBy(() -> client.provision(INSTANCE, PERMISSION_SET, TARGET))
        .isInstanceOf(IdentityCenterException.class);
    assertThatThrownBy(() -> client.provision(INSTANCE, PERMISSION_SET, TARGET))
        .isInstanceOf(IdentityCenterException.class);
    client.findPermissionSetByName(INSTANCE, "ReadOnly");

    assertThat(calls("provision", "success", "2xx")).isEqualTo(1);
    assertThat(calls("provision", "throttled", "429")).isEqualTo(1);
    assertThat(calls("provision", "unavailable", "none")).isEqualTo(1);
    assertThat(calls("findPermissionSetByName", "success", "2xx")).isEqualTo(1);
    assertThat(registry.get(MeteredIdentityCenterClientFactory.THROTTLED).tag("operation", "provision").counter()
        .count()).isEqualTo(1);
    assertThat(registry.get(MeteredIdentityCenterClientFactory.CALL_DURATION).tag("operation", "provision")
        .timers()).extracting(timer -> timer.getId().getTag("outcome"))
        .containsExactlyInAnyOrder("success", "throttled", "unavailable");
  }

  @Test
  void accessChecksAreCountedAsCheckAccess() {
    client.checkAccess();
    cloud.onCheckAccess(new IdentityCenterException("ListInstances", ErrorCategory.ACCESS_DENIED, 403, "IIC.1000",
        "No permission for action IdentityCenter:instance:list.", null, null));
    assertThatThrownBy(client::checkAccess).isInstanceOf(IdentityCenterException.class);

    assertThat(calls("checkAccess", "success", "2xx")).isEqualTo(1);
    assertThat(calls("checkAccess", "access_denied", "403")).isEqualTo(1);
    assertThat(cloud.accessChecks()).isEqualTo(2);
  }

  @Test
  void accountListingsAreCountedAsListAccounts() {
    cloud.outOfDate(PERMISSION_SET, PAYMENTS);
    Optional<AccountProvisioningStatus> outOfDate =
        Optional.of(AccountProvisioningStatus.LATEST_PERMISSION_SET_NOT_PROVISIONED);

    assertThat(client.listAccountsForProvisionedPermissionSet(INSTANCE, PERMISSION_SET, outOfDate, Optional.empty())
        .items()).containsExactly(PAYMENTS);
    cloud.onListAccounts(new IdentityCenterException("ListAccountsForProvisionedPermissionSet",
        ErrorCategory.SERVER_ERROR, 500, "IIC.500", "Internal Server Error.", null, null));
    assertThatThrownBy(() -> client.listAccountsForProvisionedPermissionSet(INSTANCE, PERMISSION_SET, outOfDate,
        Optional.empty())).isInstanceOf(IdentityCenterException.class);

    assertThat(calls("listAccounts", "success", "2xx")).isEqualTo(1);
    assertThat(calls("listAccounts", "server_error", "500")).isEqualTo(1);
  }

  @Test
  void inFlightGaugeCountsCallsWhileTheyWait() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    List<Double> seenDuringCall = new ArrayList<>();
    IdentityCenterClient inner = (IdentityCenterClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {IdentityCenterClient.class}, (proxy, method, args) -> {
          seenDuringCall.add(own.get(MeteredIdentityCenterClientFactory.IN_FLIGHT).gauge().value());
          return Optional.empty();
        });
    IdentityCenterClientFactory answeringInner = access -> inner;
    IdentityCenterClient metered = new MeteredIdentityCenterClientFactory(answeringInner, own)
        .forConnection(new CloudAccess.Huawei(FakeIdentityCenter.DEFAULT_ENDPOINT, CloudCredentials.of("AK", "SK")));

    metered.findPermissionSetByName(INSTANCE, "ReadOnlyAccess");

    assertThat(seenDuringCall).containsExactly(1.0);
    assertThat(own.get(MeteredIdentityCenterClientFactory.IN_FLIGHT).gauge().value()).isZero();
  }

  @Test
  void clientsForAConnectionGoToItsEndpointAndAreCounted() {
    CloudEndpoint endpoint = new CloudEndpoint(URI.create("https://identitycenter.example"), Optional.empty(), false);

    new MeteredIdentityCenterClientFactory(cloud, registry).forConnection(new CloudAccess.Huawei(endpoint, CloudCredentials.of("AK", "SK")))
        .findPermissionSetByName(INSTANCE, "ReadOnly");

    assertThat(cloud.callEndpoints()).containsExactly(endpoint);
    assertThat(calls("findPermissionSetByName", "success", "2xx")).isEqualTo(1);
  }
}
