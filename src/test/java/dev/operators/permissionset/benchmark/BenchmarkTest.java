package dev.operators.permissionset.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.benchmark.BenchmarkParameters.Mode;
import dev.operators.permissionset.benchmark.BenchmarkReport.Outcome;
import dev.operators.permissionset.benchmark.BenchmarkReport.Percentiles;
import dev.operators.permissionset.benchmark.BenchmarkReport.Target;
import dev.operators.permissionset.benchmark.BenchmarkWorld.Expectation;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import dev.operators.permissionset.simulator.aws.AwsPatterns;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness at a tiny size, so the build proves it works; its timing targets are never asserted. */
class BenchmarkTest {

  @ParameterizedTest
  @CsvSource({"HUAWEI, STARTUP", "HUAWEI, LIVE", "AWS, STARTUP"})
  void aTinyRunConvergesEveryResourceAndReportsItsFigures(Cloud cloud, Mode mode, @TempDir Path folder)
      throws IOException {
    Path json = folder.resolve("benchmark.json");
    // each resource provisions its own permission set: the harness is under test here, not the operator's turns
    // at a shared permission set
    BenchmarkParameters parameters = new BenchmarkParameters(20, Duration.ofSeconds(1), 50, 0.1, 20, json, false,
        Duration.ofMinutes(5), mode, 0, Duration.ZERO, Map.of(), cloud, Duration.ZERO);
    ByteArrayOutputStream output = new ByteArrayOutputStream();

    BenchmarkReport report = Benchmark.run(parameters, folder.resolve("work"),
        new PrintStream(output, true, StandardCharsets.UTF_8));

    String printed = output.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(report.outcome()).as(printed)
        .extracting(Outcome::correct, Outcome::terminal, Outcome::ready, Outcome::failed, Outcome::acceptedProvisions)
        .containsExactly(true, 20, 18, 2, 20L);
    assertThat(report.calls().byEndpoint().get(IdentityCenterSimulator.PROVISION)).containsEntry("200", 20L);
    assertThat(report.calls().total()).isGreaterThanOrEqualTo(20);
    assertThat(report.calls().perResource()).isEqualTo(report.calls().total() / 20.0);
    // no resource settles before the provisioning latency (1 s) has passed since the operator met it; at startup
    // the operator may meet them a little before the driver sees it ready
    Percentiles times = report.timeToTerminalSeconds();
    assertThat(times.p50()).isGreaterThanOrEqualTo(0.5).isLessThanOrEqualTo(times.p95());
    assertThat(times.p95()).isLessThanOrEqualTo(times.p99());
    assertThat(times.p99()).isLessThanOrEqualTo(times.max());
    assertThat(report.convergenceSeconds()).isGreaterThanOrEqualTo(times.max());
    assertThat(report.lowerBoundSeconds()).isEqualTo(1.4);
    assertThat(report.operator().cpuSeconds()).isGreaterThan(report.operator().startupCpuSeconds())
        .isGreaterThan(0);
    assertThat(report.operator().liveHeapAfterFullGcBytes()).isPositive()
        .isLessThan(report.operator().peakResidentBytes());
    assertThat(report.operator().threads()).isPositive();
    assertThat(printed).contains("Benchmark on " + (cloud == Cloud.AWS ? "AWS" : "Huawei Cloud") + ": 20 resources",
        "Time to converge", "Operator live heap after full GC",
        "Outcome: 20 of 20 terminal, 18 Ready, 2 ProvisioningFailed; 20 provision(s) accepted. Every resource is "
            + "correct.");

    JsonNode written = new ObjectMapper().readTree(json.toFile());
    assertThat(written.at("/parameters/resources").asInt()).isEqualTo(20);
    assertThat(written.at("/parameters/mode").asText()).isEqualTo(mode.name().toLowerCase(Locale.ROOT));
    assertThat(written.at("/parameters/cloud").asText()).isEqualTo(cloud.name().toLowerCase(Locale.ROOT));
    assertThat(written.at("/outcome/correct").asBoolean()).isTrue();
    assertThat(written.at("/calls/total").asLong()).isEqualTo(report.calls().total());
    assertThat(written.at("/targets").findValuesAsText("name")).containsExactly("convergence", "calls per resource",
        "throttled share", "p99", "live heap", "threads");
  }

  @Test
  void theCheckFlagsAWrongOutcomeAMissingResourceASecondProvisionAndTwoInFlight() {
    BenchmarkParameters parameters = BenchmarkParameters.from(Map.of(BenchmarkParameters.RESOURCES, "3",
        BenchmarkParameters.FAIL_SHARE, "0.34"));
    BenchmarkWorld world = BenchmarkWorld.generate(parameters);
    List<Expectation> expectations = world.expectations();
    assertThat(expectations).extracting(e -> e.failureReason().isPresent()).containsExactly(false, false, true);
    Map<String, Long> accepted = new HashMap<>();
    expectations.forEach(e -> accepted.put(RequestCounters.provisionKey(BenchmarkWorld.INSTANCE_ID,
        e.permissionSetId(), e.accountId()), 1L));
    RequestCounters.Snapshot once = new RequestCounters.Snapshot(Map.of(), Map.copyOf(accepted), Map.of(), 0);
    PermissionSetProvisioning provisioned = settled(expectations.get(0), "Provisioned", "SUCCEEDED", null);
    PermissionSetProvisioning failed = settled(expectations.get(2), "ProvisioningFailed", "FAILED",
        expectations.get(2).failureReason().orElseThrow());

    assertThat(Benchmark.check(world, List.of(provisioned, settled(expectations.get(1), "Provisioned", "SUCCEEDED",
        null), failed), once).correct()).isTrue();

    Outcome missingAndWrong = Benchmark.check(world, List.of(provisioned,
        settled(expectations.get(2), "Provisioned", "SUCCEEDED", null)), once);
    assertThat(missingAndWrong.correct()).isFalse();
    assertThat(missingAndWrong.reasons()).containsExactly(Map.entry("Provisioned", 2L));
    assertThat(missingAndWrong.problems()).containsExactly("bench-00001: missing",
        "bench-00002: expected ProvisioningFailed with the account's reason, got Provisioned SUCCEEDED 'null'");

    accepted.merge(RequestCounters.provisionKey(BenchmarkWorld.INSTANCE_ID, expectations.get(0).permissionSetId(),
        expectations.get(0).accountId()), 1L, Long::sum);
    Outcome twice = Benchmark.check(world, List.of(provisioned, settled(expectations.get(1), "Provisioned",
        "SUCCEEDED", null), failed), new RequestCounters.Snapshot(Map.of(), Map.copyOf(accepted),
        Map.of(BenchmarkWorld.INSTANCE_ID + "/" + expectations.get(0).permissionSetId(), 2L), 0));
    assertThat(twice.problems()).containsExactly(
        "bench-00000: the simulator accepted 2 provisions, not exactly one",
        BenchmarkWorld.INSTANCE_ID + "/" + expectations.get(0).permissionSetId()
            + ": 2 provisionings in flight at once");
  }

  @Test
  void theDefaultsAreTheIssuesAndBadValuesNameTheirProperty() {
    BenchmarkParameters defaults = BenchmarkParameters.from(Map.of());

    assertThat(defaults.lowerBound()).isEqualTo(Duration.ofSeconds(52));
    assertThat(defaults.serialBound()).isEqualTo(Duration.ofSeconds(20));
    assertThat(BenchmarkParameters.from(Map.of(BenchmarkParameters.RESOURCES, "1001")).serialBound())
        .isEqualTo(Duration.ofSeconds(22));
    assertThat(IntStream.range(0, defaults.resources()).filter(defaults::failing).count()).isEqualTo(50);
    List<Expectation> expectations = BenchmarkWorld.generate(defaults).expectations();
    assertThat(expectations).extracting(Expectation::accountId).doesNotHaveDuplicates().hasSize(1000);
    assertThat(expectations.stream().map(Expectation::permissionSetId).distinct()).hasSize(100);
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.RATE, "0")))
        .hasMessage("-Dbenchmark.rate must be at least 1 call per second");
    assertThat(defaults.mode()).isEqualTo(Mode.STARTUP);
    assertThat(BenchmarkParameters.from(Map.of(BenchmarkParameters.MODE, "live")).mode()).isEqualTo(Mode.LIVE);
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.LATENCY, "2 seconds")))
        .hasMessageStartingWith("-Dbenchmark.latency='2 seconds' is not a duration");
    assertThat(defaults.operatorEnvironment()).isEmpty();
    assertThat(BenchmarkParameters.from(Map.of(BenchmarkParameters.OPERATOR_ENVIRONMENT,
        "CLOUD_RATE_LIMIT=180, RECONCILE_THREADS=20")).operatorEnvironment())
        .containsExactly(Map.entry("CLOUD_RATE_LIMIT", "180"), Map.entry("RECONCILE_THREADS", "20"));
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.OPERATOR_ENVIRONMENT, "fast")))
        .hasMessageContaining("'fast' is not one");
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.MODE, "warm")))
        .hasMessage("-Dbenchmark.mode=warm must be startup or live");
    assertThat(defaults.cloud()).isEqualTo(Cloud.HUAWEI);
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.CLOUD, "gcp")))
        .hasMessage("-Dbenchmark.cloud=gcp must be huawei or aws");
  }

  @Test
  void onAwsTheWorldHasTheSameShapeWithArnsAnd12DigitAccounts() {
    BenchmarkParameters aws = BenchmarkParameters.from(Map.of(BenchmarkParameters.CLOUD, "aws"));

    BenchmarkWorld world = BenchmarkWorld.generate(aws);

    assertThat(aws.cloud()).isEqualTo(Cloud.AWS);
    assertThat(aws.lowerBound()).isEqualTo(Duration.ofSeconds(52));
    assertThat(world.fixture().cloud()).isEqualTo(Cloud.AWS);
    List<Expectation> expectations = world.expectations();
    assertThat(expectations).hasSize(1000).allSatisfy(expectation -> {
      assertThat(expectation.instanceId()).matches(AwsPatterns.INSTANCE_ARN);
      assertThat(expectation.permissionSetId()).matches(AwsPatterns.PERMISSION_SET_ARN);
      assertThat(expectation.accountId()).matches(AwsPatterns.ACCOUNT_ID);
    });
    assertThat(expectations).extracting(Expectation::accountId).doesNotHaveDuplicates();
    assertThat(expectations.stream().map(Expectation::permissionSetId).distinct()).hasSize(100);
    assertThat(expectations).filteredOn(expectation -> expectation.failureReason().isPresent()).hasSize(50);
    assertThat(BenchmarkWorld.resource(expectations.get(0)).getSpec().getInstanceId())
        .isEqualTo(BenchmarkWorld.AWS_INSTANCE_ARN);
  }

  @Test
  void aHistoryAndAListLagReachTheSimulatorTheOperatorTheReportAndTheCallsTarget(@TempDir Path folder)
      throws IOException {
    BenchmarkParameters defaults = BenchmarkParameters.from(Map.of());
    BenchmarkParameters lagging = BenchmarkParameters.from(Map.of(BenchmarkParameters.HISTORY, "20000",
        BenchmarkParameters.LIST_LAG, "5s", BenchmarkParameters.OUT, folder.resolve("benchmark.json").toString()));

    assertThat(defaults.history()).isZero();
    assertThat(defaults.listLag()).isZero();
    assertThat(lagging.history()).isEqualTo(20000);
    assertThat(lagging.listLag()).isEqualTo(Duration.ofSeconds(5));
    assertThat(lagging.operatorEnvironment()).containsExactly(Map.entry(OperatorConfig.CLOUD_LIST_LAG, "6000ms"));
    assertThat(BenchmarkParameters.from(Map.of(BenchmarkParameters.LIST_LAG, "5s",
        BenchmarkParameters.OPERATOR_ENVIRONMENT, "CLOUD_LIST_LAG=30s")).operatorEnvironment())
        .containsExactly(Map.entry(OperatorConfig.CLOUD_LIST_LAG, "30s"));
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.HISTORY, "-1")))
        .hasMessage("-Dbenchmark.history must be 0 or more");
    assertThatThrownBy(() -> BenchmarkParameters.from(Map.of(BenchmarkParameters.HISTORY, "many")))
        .hasMessage("-Dbenchmark.history=many is not a whole number");

    // 1.4 calls per resource: within the target on an instance with a history, over it on an empty one
    BenchmarkReport withHistory = reportOf(lagging, 1400);
    BenchmarkReport empty = reportOf(defaults, 1400);

    assertThat(withHistory.targets()).filteredOn(target -> target.name().equals("calls per resource"))
        .extracting(Target::limit, Target::met).containsExactly(tuple(1.5, true));
    assertThat(empty.targets()).filteredOn(target -> target.name().equals("calls per resource"))
        .extracting(Target::limit, Target::met).containsExactly(tuple(1.25, false));
    assertThat(withHistory.table()).startsWith("Benchmark on Huawei Cloud: 1000 resources over 100 permission set(s), 5.0% failing; "
            + "simulator L = 2.0 s, R = 20 calls/s for all endpoints, history of 20000 finished requests, lists lag "
            + "5.0 s; startup mode")
        .contains("Operator settings: {CLOUD_LIST_LAG=6000ms}")
        .containsPattern("API calls per resource +1\\.40 +<= 1\\.50 +PASS");
    assertThat(empty.table()).contains("history of 0 finished requests, lists lag 0.0 s")
        .containsPattern("API calls per resource +1\\.40 +<= 1\\.25 +MISS");
    withHistory.writeJson(lagging.out());
    JsonNode written = new ObjectMapper().readTree(lagging.out().toFile());
    assertThat(written.at("/parameters/history").asInt()).isEqualTo(20000);
    assertThat(written.at("/parameters/listLagSeconds").asDouble()).isEqualTo(5.0);
    assertThat(written.at("/targets/1/limit").asDouble()).isEqualTo(1.5);
  }

  @Test
  void onAwsThrottlingExceptionsAreTheThrottledShareThoughTheyAnswer400() {
    BenchmarkParameters aws = BenchmarkParameters.from(Map.of(BenchmarkParameters.RESOURCES, "100",
        BenchmarkParameters.CLOUD, "aws"));
    RequestCounters.Snapshot counts = new RequestCounters.Snapshot(Map.of(
        IdentityCenterSimulator.PROVISION, Map.of("200", 100L, "400", 3L)), Map.of(), Map.of(), 2);

    BenchmarkReport report = Benchmark.report(aws, new Benchmark.Timings(Duration.ZERO, Duration.ZERO, 10), counts,
        Map.of("bench-0", Duration.ofSeconds(5)), new BenchmarkReport.Operator(1, 1, 1, 1, 1),
        new Outcome(100, 100, 0, 100, Map.of(), true, 0, List.of()));

    assertThat(report.calls().throttled()).isEqualTo(2);
    assertThat(report.targets()).filteredOn(target -> target.name().equals("throttled share"))
        .extracting(Target::measured).containsExactly(2 / 103.0);
    assertThat(report.table()).startsWith("Benchmark on AWS: 100 resources")
        .containsPattern("ThrottlingExceptions, share of calls +1\\.9% \\(2 of 103\\)");
  }

  @Test
  void theDriftMeasureSetsTheOperatorsIntervalAndPricesAnIntervalAtTheDefaults() {
    assertThat(BenchmarkParameters.from(Map.of()).driftInterval()).isZero();
    BenchmarkParameters drift = BenchmarkParameters.from(Map.of(BenchmarkParameters.DRIFT, "true"));
    assertThat(drift.operatorEnvironment()).containsEntry("DRIFT_CHECK_INTERVAL", "10000ms");
    assertThat(BenchmarkParameters.from(Map.of(BenchmarkParameters.DRIFT, "true",
        BenchmarkParameters.OPERATOR_ENVIRONMENT, "DRIFT_CHECK_INTERVAL=30s")).operatorEnvironment())
        .containsEntry("DRIFT_CHECK_INTERVAL", "30s");

    DriftCheckCost cost = new DriftCheckCost(100, Duration.ofSeconds(10), 3, 300, 0, 19, Duration.ofMinutes(10), 19);

    assertThat(cost.callsPerPermissionSetPerInterval()).isEqualTo(1.0);
    assertThat(cost.table()).containsPattern("per permission set per interval +1\\.00")
        .containsPattern("share of the rate budget, this run +52\\.63%")
        .containsPattern("share of the rate budget, defaults +0\\.88% \\(100\\.0 / \\(19/s x PT10M\\)\\)");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] values = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();

    assertThat(Benchmark.percentiles(values)).isEqualTo(new Percentiles(50, 95, 99, 100));
    assertThat(Benchmark.percentiles(new double[] {3})).isEqualTo(new Percentiles(3, 3, 3, 3));
  }

  /** A converged run of the given parameters whose simulator answered this many provisions and lists. */
  private static BenchmarkReport reportOf(BenchmarkParameters parameters, long calls) {
    int n = parameters.resources();
    RequestCounters.Snapshot counts = new RequestCounters.Snapshot(Map.of(
        IdentityCenterSimulator.PROVISION, Map.of("200", (long) n),
        IdentityCenterSimulator.LIST_PROVISIONING, Map.of("200", calls - n)), Map.of(), Map.of(), 0);
    Map<String, Duration> timesToTerminal = new HashMap<>();
    IntStream.range(0, n).forEach(i -> timesToTerminal.put("bench-" + i, Duration.ofSeconds(30)));
    return Benchmark.report(parameters, new Benchmark.Timings(Duration.ofSeconds(4), Duration.ofSeconds(4), 60),
        counts, timesToTerminal, new BenchmarkReport.Operator(30, 7, 300L << 20, 20L << 20, 60),
        new Outcome(n, n, 0, n, Map.of("Provisioned", (long) n), true, 0, List.of()));
  }

  private static PermissionSetProvisioning settled(Expectation expectation, String reason, String provisioningStatus,
      String failureReason) {
    PermissionSetProvisioning resource = BenchmarkWorld.resource(expectation);
    resource.getMetadata().setGeneration(1L);
    PermissionSetProvisioningStatus status = new PermissionSetProvisioningStatus();
    status.setObservedGeneration(1L);
    status.setProvisioningStatus(provisioningStatus);
    status.setFailureReason(failureReason);
    boolean ready = "Provisioned".equals(reason);
    status.setConditions(List.of(
        new ConditionBuilder().withType("Ready").withStatus(ready ? "True" : "False").withReason(reason).build(),
        new ConditionBuilder().withType("Stalled").withStatus(ready ? "False" : "True").withReason(reason).build()));
    resource.setStatus(status);
    return resource;
  }
}
