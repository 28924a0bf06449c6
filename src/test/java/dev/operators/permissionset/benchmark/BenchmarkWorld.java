package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Account;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.Instance;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated world of one run: one Identity Center instance with the permission sets and one account per
 * resource, the accounts marked to fail, and the resources that provision them, each to its own account.
 */
public final class BenchmarkWorld {

  public static final String NAMESPACE = "benchmark";
  public static final String INSTANCE_ID = "ins-be7c4a0000000001";
  // fake keys that only this run's simulator knows
  static final String ACCESS_KEY = "BENCHAK0000000000001";
  static final String SECRET_KEY = "bench-sk-00000000000000000000000000000001";
  static final String DOMAIN_ID = "d0m41n00000000000000000000bench";

  /** One resource and the outcome its account promises. */
  public record Expectation(String name, String permissionSetId, String accountId, Optional<String> failureReason) {
  }

  private final SimulatorFixture fixture;
  private final List<Expectation> expectations;

  private BenchmarkWorld(SimulatorFixture fixture, List<Expectation> expectations) {
    this.fixture = fixture;
    this.expectations = expectations;
  }

  public static BenchmarkWorld generate(BenchmarkParameters parameters) {
    Instance withPermissionSets = new Instance(INSTANCE_ID, List.of(), parameters.permissionSets(), List.of(),
        Map.of());
    List<Account> accounts = new ArrayList<>();
    List<Expectation> expectations = new ArrayList<>();
    for (int i = 0; i < parameters.resources(); i++) {
      String accountId = String.format("%032x", 0xbe7c_0000_0000L + i);
      Optional<String> failureReason = parameters.failing(i)
          ? Optional.of("The account " + accountId + " is suspended and cannot be provisioned.")
          : Optional.empty();
      accounts.add(new Account(accountId, String.format("account-%05d", i), failureReason.orElse(null)));
      String permissionSetId = withPermissionSets.permissionSets().get(i % parameters.permissionSets()).id();
      expectations.add(new Expectation(String.format("bench-%05d", i), permissionSetId, accountId, failureReason));
    }
    Instance instance = new Instance(INSTANCE_ID, withPermissionSets.permissionSets(), 0, accounts, Map.of());
    SimulatorFixture fixture = new SimulatorFixture(parameters.provisioningLatency(),
        List.of(new Credential(ACCESS_KEY, SECRET_KEY, null, DOMAIN_ID, List.of(INSTANCE_ID))), List.of(instance));
    return new BenchmarkWorld(fixture, List.copyOf(expectations));
  }

  public SimulatorFixture fixture() {
    return fixture;
  }

  public List<Expectation> expectations() {
    return expectations;
  }

  static PermissionSetProvisioning resource(Expectation expectation) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE_ID);
    spec.setPermissionSetId(expectation.permissionSetId());
    spec.setTargetId(expectation.accountId());
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(expectation.name()).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }
}
