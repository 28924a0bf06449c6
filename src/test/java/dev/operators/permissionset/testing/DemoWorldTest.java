package dev.operators.permissionset.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.simulator.SimulatorFixture;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The IDs the tests name are those of the demo fixture, so a change to the fixture shows here first. */
class DemoWorldTest {

  private final SimulatorFixture.Instance instance = SimulatorFixture.demo().instances().get(0);

  @Test
  void theInstanceAndItsPermissionSetsAreTheFixtures() {
    assertThat(instance.id()).isEqualTo(DemoWorld.INSTANCE);
    assertThat(instance.permissionSets().stream().collect(Collectors.toMap(SimulatorFixture.PermissionSet::id,
        SimulatorFixture.PermissionSet::name))).containsAllEntriesOf(Map.of(
            DemoWorld.READ_ONLY, DemoWorld.READ_ONLY_NAME,
            DemoWorld.ADMINISTRATOR, DemoWorld.ADMINISTRATOR_NAME,
            DemoWorld.BILLING_VIEWER, DemoWorld.BILLING_VIEWER_NAME));
  }

  @Test
  void theAccountsAreTheFixturesAndOnlyLegacyFails() {
    assertThat(instance.accounts()).extracting(SimulatorFixture.Account::id)
        .containsExactlyInAnyOrder(DemoWorld.PAYMENTS, DemoWorld.ANALYTICS, DemoWorld.SANDBOX, DemoWorld.LEGACY);
    assertThat(instance.accounts()).filteredOn(account -> account.failureReason() != null)
        .singleElement().satisfies(legacy -> {
          assertThat(legacy.id()).isEqualTo(DemoWorld.LEGACY);
          assertThat(legacy.failureReason()).isEqualTo(DemoWorld.LEGACY_FAILURE_REASON);
        });
    assertThat(instance.provisioned().get(DemoWorld.READ_ONLY))
        .containsExactlyInAnyOrder(DemoWorld.PAYMENTS, DemoWorld.ANALYTICS);
  }
}
