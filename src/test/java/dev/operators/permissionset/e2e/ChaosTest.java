package dev.operators.permissionset.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of resources against a simulator that is slow, throttles, fails, drops connections (also after it
 * accepted a provision) and has accounts that cannot be provisioned, while the operator is restarted several times
 * and some specs change. Every resource must end in its right state, the simulator must have accepted exactly one
 * provision per resource generation, and never two for one permission set at a time.
 */
@Tag("chaos")
class ChaosTest {

  private static final String NAMESPACE = "chaos";
  private static final String INSTANCE = "ins-c4a0500000000001";
  private static final int PERMISSION_SETS = 25;
  private static final int ACCOUNTS_PER_PERMISSION_SET = 8;
  /** The second half of the healthy accounts is kept free for the spec changes. */
  private static final int HEALTHY_ACCOUNTS = 2 * ACCOUNTS_PER_PERMISSION_SET;
  private static final List<String> FAILURE_REASONS = List.of(
      "The account is suspended and cannot be provisioned.",
      "The account has reached its quota of permission sets.",
      "The account is being closed.");
  private static final int RESTARTS = 4;
  private static final int SPEC_CHANGES = 20;
  private static final Duration CONVERGENCE_LIMIT = Duration.ofSeconds(150);
  private static final String PROVISIONED = "Provisioned";
  private static final String PROVISIONING_FAILED = "ProvisioningFailed";

  private EndToEndEnvironment environment;

  /**
   * What a resource must end as.
   *
   * @param provisionKey the simulator's key of the provision it makes, or null when the cloud accepts none
   * @param failureReason the cloud's failure_reason it must show, or null
   */
  private record Expected(PermissionSetProvisioningSpec spec, String reason, String failureReason,
      String provisionKey) {
  }

  @AfterEach
  void stop() {
    if (environment != null) {
      environment.close();
    }
  }

  private static String permissionSet(int index) {
    return String.format("ps-c4a050000000%04d", index);
  }

  private static String permissionSetName(int index) {
    return String.format("Chaos-%02d", index);
  }

  private static String healthyAccount(int index) {
    return String.format("a0c4a05%025d", index);
  }

  private static String failingAccount(int index) {
    return String.format("fa11c4a05%023d", index);
  }

  private static SimulatorFixture fixture() {
    List<SimulatorFixture.PermissionSet> sets = new ArrayList<>();
    for (int i = 0; i < PERMISSION_SETS; i++) {
      sets.add(new SimulatorFixture.PermissionSet(permissionSet(i), permissionSetName(i), "Chaos set " + i, null));
    }
    List<SimulatorFixture.Account> accounts = new ArrayList<>();
    for (int i = 0; i < HEALTHY_ACCOUNTS; i++) {
      accounts.add(new SimulatorFixture.Account(healthyAccount(i), "healthy-" + i, null));
    }
    for (int i = 0; i < FAILURE_REASONS.size(); i++) {
      accounts.add(new SimulatorFixture.Account(failingAccount(i), "failing-" + i, FAILURE_REASONS.get(i)));
    }
    // ALL_PROVISIONED_ACCOUNTS of set 0 reaches a failing account and fails; that of set 1 succeeds
    Map<String, List<String>> provisioned = Map.of(
        permissionSet(0), List.of(healthyAccount(0), failingAccount(0)),
        permissionSet(1), List.of(healthyAccount(0)));
    SimulatorFixture.Instance instance = new SimulatorFixture.Instance(INSTANCE, sets, 0, accounts, provisioned);
    SimulatorFixture.Credential credential = new SimulatorFixture.Credential(EndToEndEnvironment.DEMO_ACCESS_KEY,
        EndToEndEnvironment.DEMO_SECRET_KEY, null, EndToEndEnvironment.DEMO_DOMAIN_ID, List.of(INSTANCE));
    return new SimulatorFixture(Duration.ofMillis(200), List.of(credential), List.of(instance));
  }

  private static PermissionSetProvisioningSpec spec(int permissionSet, boolean byName, String account) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    if (byName) {
      spec.setPermissionSetName(permissionSetName(permissionSet));
    } else {
      spec.setPermissionSetId(permissionSet(permissionSet));
    }
    spec.setTargetType(account == null ? TargetType.ALL_PROVISIONED_ACCOUNTS : TargetType.ACCOUNT);
    spec.setTargetId(account);
    return spec;
  }

  private static String key(int permissionSet, String target) {
    return RequestCounters.provisionKey(INSTANCE, permissionSet(permissionSet), target);
  }

  /** The resources by name, with what each must end as. */
  private static Map<String, Expected> resources() {
    Map<String, Expected> resources = new LinkedHashMap<>();
    for (int set = 0; set < PERMISSION_SETS; set++) {
      for (int account = 0; account < ACCOUNTS_PER_PERMISSION_SET; account++) {
        resources.put(String.format("set%02d-healthy%02d", set, account), new Expected(
            spec(set, account % 7 == 3, healthyAccount(account)), PROVISIONED, null,
            key(set, healthyAccount(account))));
      }
    }
    for (int set = 0; set < 4; set++) {
      for (int failing = 0; failing < FAILURE_REASONS.size(); failing++) {
        resources.put(String.format("set%02d-failing%d", set, failing), new Expected(
            spec(set, false, failingAccount(failing)), PROVISIONING_FAILED, FAILURE_REASONS.get(failing),
            key(set, failingAccount(failing))));
      }
    }
    resources.put("set00-everywhere", new Expected(spec(0, false, null), PROVISIONING_FAILED,
        FAILURE_REASONS.get(0), key(0, "ALL_PROVISIONED_ACCOUNTS")));
    resources.put("set01-everywhere", new Expected(spec(1, true, null), PROVISIONED, null,
        key(1, "ALL_PROVISIONED_ACCOUNTS")));
    resources.put("unknown-account-1", new Expected(spec(2, false, "0000c4a05000000000000000000000001"),
        "AccountNotFound", null, null));
    resources.put("unknown-account-2", new Expected(spec(3, true, "0000c4a05000000000000000000000002"),
        "AccountNotFound", null, null));
    PermissionSetProvisioningSpec unknownSet = spec(0, false, healthyAccount(0));
    unknownSet.setPermissionSetId("ps-c4a05ffffffffff");
    resources.put("unknown-set-by-id", new Expected(unknownSet, "PermissionSetNotFound", null, null));
    PermissionSetProvisioningSpec unknownName = spec(0, true, healthyAccount(1));
    unknownName.setPermissionSetName("Chaos-NoSuchSet");
    resources.put("unknown-set-by-name", new Expected(unknownName, "PermissionSetNotFound", null, null));
    return resources;
  }

  @Test
  void everyResourceEndsRightWithOneProvisionPerGenerationThroughFaultsAndRestarts() {
    environment = EndToEndEnvironment.start(fixture(), Map.of(
        // the simulator's gateway throttles at random here, not by rate: the operator's own limit only slows the run
        OperatorConfig.CLOUD_RATE_LIMIT, "100",
        OperatorConfig.POLL_INITIAL_INTERVAL, "100ms",
        OperatorConfig.POLL_MAX_INTERVAL, "500ms",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "100ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "500ms"));
    IdentityCenterSimulator simulator = environment.simulator();
    simulator.faults()
        .latency(Duration.ZERO, Duration.ofMillis(20))
        .serverErrorRate(0.10)
        .throttleRate(0.05)
        .dropRate(0.02)
        .dropAcceptedProvisionRate(0.03);
    Map<String, Expected> expected = resources();
    long started = System.nanoTime();
    environment.startOperator();
    expected.forEach(this::create);

    /* the spec changes replace the expectation of generation 1 with that of generation 2; generation 1 made one */
    Map<String, Expected> firstGenerations = new TreeMap<>();
    Random random = new Random(7);
    int restarts = 0;
    long deadline = started + CONVERGENCE_LIMIT.toNanos();
    Map<String, PermissionSetProvisioning> current = Map.of();
    Map<String, Duration> milestones = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      current = list();
      Map<String, PermissionSetProvisioning> now = current;
      long settled = expected.keySet().stream().filter(name -> settled(now.get(name))).count();
      if (settled == expected.size()) {
        break;
      }
      double progress = (double) settled / expected.size();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      if (progress >= 0.5) {
        milestones.putIfAbsent("half settled", elapsed);
      }
      if (progress >= 0.9) {
        milestones.putIfAbsent("90% settled", elapsed);
      }
      if (firstGenerations.isEmpty() && progress >= 0.2) {
        changeSpecs(expected, firstGenerations, current, random);
      }
      if (restarts < RESTARTS && progress >= 0.15 + 0.2 * restarts) {
        environment.stopOperator();
        environment.startOperator();
        restarts++;
      }
      sleep(Duration.ofMillis(200));
    }
    Duration converged = Duration.ofNanos(System.nanoTime() - started);
    environment.stopOperator();
    RequestCounters.Snapshot counts = simulator.counts();
    current = list();

    printFigures(expected.size(), firstGenerations.size(), restarts, counts, milestones, converged);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Expected> entry : expected.entrySet()) {
      problems.addAll(problems(entry.getKey(), entry.getValue(), current.get(entry.getKey())));
    }
    assertThat(problems).as("resources that did not end right within %s (%d of %d)", CONVERGENCE_LIMIT,
        problems.stream().map(p -> p.substring(0, p.indexOf(':'))).distinct().count(), expected.size()).isEmpty();

    List<String> provisionProblems = new ArrayList<>();
    Map<String, String> ownerOfKey = new TreeMap<>();
    expected.forEach((name, e) -> Optional.ofNullable(e.provisionKey()).ifPresent(k -> ownerOfKey.put(k, name)));
    firstGenerations.forEach((name, e) -> ownerOfKey.put(e.provisionKey(), name + " (generation 1)"));
    ownerOfKey.forEach((key, name) -> {
      long accepted = counts.acceptedProvisions().getOrDefault(key, 0L);
      if (accepted != 1) {
        provisionProblems.add(name + ": the simulator accepted " + accepted + " provisions of " + key
            + ", expected exactly 1");
      }
    });
    counts.acceptedProvisions().keySet().stream().filter(key -> !ownerOfKey.containsKey(key))
        .forEach(key -> provisionProblems.add(key + ": provisioned although no resource asks for it"));
    assertThat(provisionProblems).as("provisions accepted per resource generation").isEmpty();

    List<String> concurrency = counts.maxInFlight().entrySet().stream().filter(e -> e.getValue() > 1)
        .map(e -> e.getKey() + ": " + e.getValue() + " provisions in progress at once").toList();
    assertThat(concurrency).as("permission sets with more than one provisioning request in flight").isEmpty();

    assertThat(faults(counts, "5")).as("5xx injected").isPositive();
    assertThat(faults(counts, "429")).as("429 injected").isPositive();
    assertThat(faults(counts, RequestCounters.DROPPED)).as("connections dropped").isPositive();
    assertThat(counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING))
        .as("answers of accepted provisions dropped").isPositive();
  }

  private void create(String name, Expected expected) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(expected.spec());
    environment.kubernetes().resource(resource).create();
  }

  /**
   * Moves resources whose first request the cloud has accepted to an account no other resource uses: generation 1
   * must keep its one provision and generation 2 must make exactly one more. A few go to failing accounts.
   */
  private void changeSpecs(Map<String, Expected> expected, Map<String, Expected> firstGenerations,
      Map<String, PermissionSetProvisioning> current, Random random) {
    List<String> candidates = current.values().stream()
        .filter(r -> r.getMetadata().getName().contains("-healthy"))
        .filter(r -> r.getStatus() != null && r.getStatus().getRequestId() != null
            && Long.valueOf(1).equals(r.getStatus().getRequestGeneration()))
        .map(r -> r.getMetadata().getName())
        .sorted()
        .collect(Collectors.toCollection(ArrayList::new));
    Collections.shuffle(candidates, random);
    Map<Integer, Integer> failingMovesPerSet = new TreeMap<>();
    for (String name : candidates.subList(0, Math.min(SPEC_CHANGES, candidates.size()))) {
      int set = Integer.parseInt(name.substring(3, 5));
      int account = Integer.parseInt(name.substring(name.length() - 2));
      boolean toFailing = set >= 4 && failingMovesPerSet.merge(set, 1, Integer::sum) == 1;
      int failing = set % FAILURE_REASONS.size();
      String target = toFailing ? failingAccount(failing) : healthyAccount(ACCOUNTS_PER_PERMISSION_SET + account);
      Expected before = expected.get(name);
      PermissionSetProvisioningSpec moved = spec(set, before.spec().getPermissionSetName() != null, target);
      expected.put(name, new Expected(moved, toFailing ? PROVISIONING_FAILED : PROVISIONED,
          toFailing ? FAILURE_REASONS.get(failing) : null, key(set, target)));
      firstGenerations.put(name, before);
      // a merge patch of the spec alone, as kubectl patch sends it: no resourceVersion to race the status writes
      environment.kubernetes().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"targetId\":\"" + target + "\"}}");
    }
  }

  private Map<String, PermissionSetProvisioning> list() {
    return environment.kubernetes().resources(PermissionSetProvisioning.class).inNamespace(NAMESPACE).list()
        .getItems().stream().collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
  }

  private static boolean settled(PermissionSetProvisioning resource) {
    if (resource == null || resource.getStatus() == null
        || !resource.getMetadata().getGeneration().equals(resource.getStatus().getObservedGeneration())) {
      return false;
    }
    return isTrue(resource.getStatus(), "Ready") || isTrue(resource.getStatus(), "Stalled");
  }

  private static boolean isTrue(PermissionSetProvisioningStatus status, String type) {
    return status.condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static List<String> problems(String name, Expected expected, PermissionSetProvisioning resource) {
    if (resource == null) {
      return List.of(name + ": the resource is gone");
    }
    PermissionSetProvisioningStatus status = resource.getStatus();
    if (status == null || status.getConditions() == null || status.getConditions().isEmpty()) {
      return List.of(name + ": no conditions at all (generation " + resource.getMetadata().getGeneration() + ")");
    }
    List<String> problems = new ArrayList<>();
    String state = "Ready=" + describe(status.condition("Ready")) + ", Reconciling="
        + describe(status.condition("Reconciling")) + ", Stalled=" + describe(status.condition("Stalled"))
        + ", observedGeneration " + status.getObservedGeneration() + " of " + resource.getMetadata().getGeneration();
    for (String type : List.of("Ready", "Reconciling", "Stalled")) {
      if (status.condition(type).isEmpty()) {
        problems.add(name + ": has no " + type + " condition (" + state + ")");
      }
    }
    long trueConditions = status.getConditions().stream()
        .filter(c -> List.of("Ready", "Reconciling", "Stalled").contains(c.getType()))
        .filter(c -> "True".equals(c.getStatus())).count();
    if (trueConditions != 1) {
      problems.add(name + ": " + trueConditions + " of Ready, Reconciling and Stalled are True (" + state + ")");
    }
    if (!settled(resource)) {
      problems.add(name + ": not settled, expected " + expected.reason() + " (" + state + ")");
      return problems;
    }
    String reason = status.condition("Ready").map(Condition::getReason).orElse(null);
    if (!expected.reason().equals(reason)) {
      problems.add(name + ": ended as " + reason + ", expected " + expected.reason() + " (" + state + ")");
    }
    boolean mustBeReady = PROVISIONED.equals(expected.reason());
    if (isTrue(status, "Ready") != mustBeReady || isTrue(status, "Stalled") == mustBeReady) {
      problems.add(name + ": expected " + (mustBeReady ? "Ready" : "Stalled") + " (" + state + ")");
    }
    if (expected.failureReason() != null && !expected.failureReason().equals(status.getFailureReason())) {
      problems.add(name + ": failureReason '" + status.getFailureReason() + "', expected '"
          + expected.failureReason() + "'");
    }
    if (expected.failureReason() == null && status.getFailureReason() != null) {
      problems.add(name + ": unexpected failureReason '" + status.getFailureReason() + "'");
    }
    if (expected.provisionKey() != null) {
      if (status.getRequestId() == null || !Long.valueOf(resource.getMetadata().getGeneration())
          .equals(status.getRequestGeneration())) {
        problems.add(name + ": requestId " + status.getRequestId() + " is for generation "
            + status.getRequestGeneration() + ", not " + resource.getMetadata().getGeneration());
      }
      String expectedStatus = PROVISIONED.equals(expected.reason()) ? "SUCCEEDED" : "FAILED";
      if (!expectedStatus.equals(status.getProvisioningStatus())) {
        problems.add(name + ": provisioningStatus " + status.getProvisioningStatus() + ", expected "
            + expectedStatus);
      }
      if (!Objects.equals(expected.spec().getTargetId(), status.getAccountId())) {
        problems.add(name + ": accountId " + status.getAccountId() + ", expected " + expected.spec().getTargetId());
      }
    }
    return problems;
  }

  private static String describe(Optional<Condition> condition) {
    return condition.map(c -> c.getStatus() + "/" + c.getReason()).orElse("missing");
  }

  /** Calls of every operation whose outcome starts with {@code prefix}: "5" for 5xx, "429", "dropped". */
  private static long faults(RequestCounters.Snapshot counts, String prefix) {
    return counts.calls().values().stream().flatMap(outcomes -> outcomes.entrySet().stream())
        .filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
  }

  private static void printFigures(int resources, int specChanges, int restarts, RequestCounters.Snapshot counts,
      Map<String, Duration> milestones, Duration converged) {
    long dropped = faults(counts, RequestCounters.DROPPED)
        - counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING);
    String figures = String.join(System.lineSeparator(),
        "==================== chaos test ====================",
        String.format("resources                     %6d in %d permission sets (%d spec changes mid-run)",
            resources, PERMISSION_SETS, specChanges),
        String.format("operator restarts             %6d", restarts),
        String.format("calls to the simulator        %6d %s", counts.totalCalls(), counts.calls().entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue().values().stream().mapToLong(Long::longValue).sum())
            .collect(Collectors.joining(", ", "(", ")"))),
        String.format("faults: 5xx                   %6d (500: %d, 502: %d, 503: %d)", faults(counts, "5"),
            faults(counts, "500"), faults(counts, "502"), faults(counts, "503")),
        String.format("faults: 429                   %6d", faults(counts, "429")),
        String.format("faults: dropped before read   %6d", dropped),
        String.format("faults: dropped after accept  %6d (provisions that happened, answer lost)",
            counts.count(IdentityCenterSimulator.PROVISION, RequestCounters.DROPPED_AFTER_ACCEPTING)),
        String.format("faults: 409 conflicts         %6d", faults(counts, "409")),
        String.format("provision calls               %6d (accepted %d, for %d keys)",
            counts.total(IdentityCenterSimulator.PROVISION), counts.totalAcceptedProvisions(),
            counts.acceptedProvisions().size()),
        String.format("max in flight per set         %6d",
            counts.maxInFlight().values().stream().mapToLong(Long::longValue).max().orElse(0)),
        String.format("time to converge              %6.1f s (%s)", converged.toMillis() / 1000.0,
            milestones.entrySet().stream().map(e -> String.format("%s at %.1f s", e.getKey(),
                e.getValue().toMillis() / 1000.0)).collect(Collectors.joining(", "))),
        "====================================================");
    System.out.println(figures);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
