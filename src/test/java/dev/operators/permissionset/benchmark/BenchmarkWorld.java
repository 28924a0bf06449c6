package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.simulator.SimulatorFixture.Account;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import dev.operators.permissionset.simulator.SimulatorFixture.Instance;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated world of one run: one Identity Center instance with the permission sets and one account per
 * resource, the accounts marked to fail, and the resources that provision them, each to its own account. On AWS
 * the same world with an instance ARN, permission set ARNs and 12-digit accounts.
 */
public final class BenchmarkWorld {

  public static final String NAMESPACE = "benchmark";
  public static final String INSTANCE_ID = "ins-be7c4a0000000001";
  public static final String AWS_INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-be7c4a0000000001";
  // fake keys that only this run's simulator knows
  private static final String ACCESS_KEY = "BENCHAK0000000000001";
  private static final String SECRET_KEY = "bench-sk-00000000000000000000000000000001";
  private static final String DOMAIN_ID = "d0m41n00000000000000000000bench";
  private static final String AWS_ACCESS_KEY = "AKIABENCH00000000001";
  private static final String AWS_SECRET_KEY = "bench-aws-sk-000000000000000000000000001";
  /** The first of the AWS accounts, one per resource from here on. */
  private static final long FIRST_AWS_ACCOUNT = 700_000_000_000L;

  /** One resource and the outcome its account promises. */
  public record Expectation(String name, String instanceId, String permissionSetId, String accountId,
      Optional<String> failureReason) {
  }

  private final SimulatorFixture fixture;
  private final List<Expectation> expectations;

  private BenchmarkWorld(SimulatorFixture fixture, List<Expectation> expectations) {
    this.fixture = fixture;
    this.expectations = expectations;
  }

  public static BenchmarkWorld generate(BenchmarkParameters parameters) {
    boolean aws = parameters.cloud() == Cloud.AWS;
    String instanceId = aws ? AWS_INSTANCE_ARN : INSTANCE_ID;
    Instance withPermissionSets = new Instance(instanceId, List.of(), parameters.permissionSets(), List.of(),
        Map.of());
    List<Account> accounts = new ArrayList<>();
    List<Expectation> expectations = new ArrayList<>();
    for (int i = 0; i < parameters.resources(); i++) {
      String accountId = aws ? Long.toString(FIRST_AWS_ACCOUNT + i) : String.format("%032x", 0xbe7c_0000_0000L + i);
      Optional<String> failureReason = parameters.failing(i)
          ? Optional.of("The account " + accountId + " is suspended and cannot be provisioned.")
          : Optional.empty();
      accounts.add(new Account(accountId, String.format("account-%05d", i), failureReason.orElse(null)));
      String permissionSetId = withPermissionSets.permissionSets().get(i % parameters.permissionSets()).id();
      expectations.add(new Expectation(String.format("bench-%05d", i), instanceId, permissionSetId, accountId,
          failureReason));
    }
    Instance instance = new Instance(instanceId, withPermissionSets.permissionSets(), 0, accounts, Map.of());
    SimulatorFixture fixture = aws
        ? new SimulatorFixture(Cloud.AWS, SimulatorFixture.DEFAULT_AWS_REGION, parameters.provisioningLatency(),
            List.of(new Credential(AWS_ACCESS_KEY, AWS_SECRET_KEY, null, null, List.of(instanceId))), List.of(instance))
        : new SimulatorFixture(parameters.provisioningLatency(),
            List.of(new Credential(ACCESS_KEY, SECRET_KEY, null, DOMAIN_ID, List.of(instanceId))), List.of(instance));
    return new BenchmarkWorld(fixture, List.copyOf(expectations));
  }

  public SimulatorFixture fixture() {
    return fixture;
  }

  public List<Expectation> expectations() {
    return expectations;
  }

  /**
   * Creates the ClusterIdentityCenterConnection {@code default}, which every resource of the run uses, reaching the
   * simulator at {@code endpoint} in the world's cloud, with its credentials Secret.
   */
  void connect(KubernetesClient kubernetes, URI endpoint) {
    if (fixture.cloud() == Cloud.AWS) {
      TestConnections.awsFor(kubernetes, ConnectionKey.DEFAULT_NAME, endpoint, fixture.region(),
          CloudCredentials.of(AWS_ACCESS_KEY, AWS_SECRET_KEY),
          TestConnections.TEST_NAMESPACES);
    } else {
      TestConnections.defaultFor(kubernetes, endpoint,
          new CloudCredentials(ACCESS_KEY, SECRET_KEY, Optional.empty(), Optional.of(DOMAIN_ID)),
          TestConnections.TEST_NAMESPACES);
    }
  }

  static PermissionSetProvisioning resource(Expectation expectation) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(expectation.instanceId());
    spec.setPermissionSetId(expectation.permissionSetId());
    spec.setTargetId(expectation.accountId());
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(expectation.name()).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    return resource;
  }
}
