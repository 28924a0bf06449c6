package dev.operators.permissionset.benchmark;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.benchmark.BenchmarkReport.Calls;
import dev.operators.permissionset.benchmark.BenchmarkReport.Outcome;
import dev.operators.permissionset.benchmark.BenchmarkReport.Percentiles;
import dev.operators.permissionset.benchmark.BenchmarkReport.Target;
import dev.operators.permissionset.benchmark.BenchmarkParameters.Mode;
import dev.operators.permissionset.benchmark.BenchmarkWorld.Expectation;
import dev.operators.permissionset.reconciler.ConditionReason;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.RequestCounters;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code mvn -q -Pbenchmark}: the operator as its own process against an embedded Kubernetes API (the Fabric8
 * mock server) and the Identity Center simulator with a rate limit and a provisioning latency. Gives the operator
 * N resources at once (see {@link Mode}), waits until every one is terminal, checks each ended as its account promises, and reports the time to
 * converge against the lower bound T* = N / R + L, the calls per resource, the 429s, the per-resource latency and
 * what the operator process used.
 *
 * <p>The exit code is 1 when a resource ended wrong, never became terminal or was provisioned other than once; a
 * missed performance target only fails the run with {@code -Dbenchmark.strict=true}.
 */
public final class Benchmark {

  /** Creates in flight at once: enough to create a thousand in about a second on the mock server. */
  private static final int CREATE_THREADS = 16;
  private static final Duration OPERATOR_START_TIMEOUT = Duration.ofMinutes(3);
  private static final int PROBLEMS_SHOWN = 20;
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
  private static final double CONVERGENCE_FACTOR = 1.25;
  private static final double CALLS_PER_RESOURCE = 1.25;
  /** The issue allows more on an instance with a history: the operator pages past finished requests it never made. */
  private static final double CALLS_PER_RESOURCE_WITH_HISTORY = 1.5;
  private static final double THROTTLED_SHARE = 0.01;
  private static final long LIVE_HEAP_BYTES = 256L * 1024 * 1024;

  private Benchmark() {
  }

  public static void main(String[] args) {
    Configurator.setLevel("dev.operators.permissionset", Level.WARN);
    BenchmarkParameters parameters;
    try {
      parameters = BenchmarkParameters.from(System.getProperties().stringPropertyNames().stream()
          .collect(Collectors.toMap(Function.identity(), System::getProperty)));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int exitCode;
    try {
      BenchmarkReport report = run(parameters, Path.of("target", "benchmark"), System.out);
      exitCode = !report.outcome().correct() || parameters.strict() && !report.targetsMet() ? 1 : 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("The benchmark could not run: " + e.getMessage());
      exitCode = 1;
    }
    System.exit(exitCode);
  }

  /**
   * Runs the benchmark, prints the table and writes the JSON report to {@code parameters.out()}.
   *
   * @param workDirectory where the operator's kubeconfig and log go
   */
  public static BenchmarkReport run(BenchmarkParameters parameters, Path workDirectory, PrintStream out)
      throws IOException {
    BenchmarkWorld world = BenchmarkWorld.generate(parameters);
    out.printf("Starting the embedded Kubernetes API and the simulator (%s, L = %d ms, R = %d/s, history %d, "
            + "list lag %d ms)...%n", BenchmarkReport.cloudName(parameters.cloud()),
        parameters.provisioningLatency().toMillis(), parameters.rateLimitPerSecond(), parameters.history(),
        parameters.listLag().toMillis());
    try (KubernetesTestServer kubernetes = KubernetesTestServer.start();
        IdentityCenterSimulator simulator = IdentityCenterSimulator.start(world.fixture(),
            IdentityCenterSimulator.Options.defaults().withHistory(parameters.history())
                .withListLag(parameters.listLag()));
        ConvergenceTracker tracker = ConvergenceTracker.watch(kubernetes.client(), BenchmarkWorld.NAMESPACE)) {
      simulator.faults().rateLimitPerSecond(parameters.rateLimitPerSecond());
      Duration creation = Duration.ZERO;
      if (parameters.mode() == Mode.STARTUP) {
        out.printf("Creating %d resources before the operator starts...%n", parameters.resources());
        creation = createAll(kubernetes.client(), world.expectations(), tracker, out);
      }
      out.println("Starting the operator process...");
      world.connect(kubernetes.client(), simulator.endpoint());
      try (OperatorProcess operator = OperatorProcess.start(workDirectory.resolve("operator.log"),
          kubernetes.client(), parameters.operatorEnvironment())) {
        long launched = System.nanoTime();
        operator.awaitReady(OPERATOR_START_TIMEOUT);
        long start = System.nanoTime();
        Duration startupCpu = operator.usage().cpu();
        out.printf("Operator ready in %.1f s (pid %d, log %s).%n", (start - launched) / 1e9, operator.pid(),
            operator.log());
        if (parameters.mode() == Mode.STARTUP) {
          // the operator meets every resource when it is ready: that is their creation as far as it can tell
          world.expectations().forEach(expectation -> tracker.created(expectation.name(), start));
        } else {
          out.printf("Creating %d resources...%n", parameters.resources());
          creation = createAll(kubernetes.client(), world.expectations(), tracker, out);
        }
        out.printf("%d resources created in %.1f s; waiting until every one is terminal (at most %d s)...%n",
            parameters.resources(), creation.toMillis() / 1e3, parameters.timeout().toSeconds());
        boolean converged = awaitTerminal(tracker, parameters, out);
        double convergence = converged ? (tracker.lastTerminalAt() - start) / 1e9 : Double.NaN;
        OperatorProcess.Usage usage = operator.usage();
        RequestCounters.Snapshot counts = simulator.counts();
        OptionalLong liveHeap = operator.liveHeapAfterFullGc();
        List<PermissionSetProvisioning> resources = kubernetes.client().resources(PermissionSetProvisioning.class)
            .inNamespace(BenchmarkWorld.NAMESPACE).list().getItems();
        Outcome outcome = check(world, resources, counts);
        BenchmarkReport report = report(parameters, new Timings(creation, Duration.ofNanos(start - launched),
            convergence), counts, tracker.timesToTerminal(), new BenchmarkReport.Operator(
                usage.cpu().toNanos() / 1e9, startupCpu.toNanos() / 1e9, usage.peakResidentBytes(),
                liveHeap.orElse(-1), usage.threads()), outcome);
        out.println();
        out.print(report.table());
        report.writeJson(parameters.out());
        out.println("JSON report: " + parameters.out().toAbsolutePath());
        if (!parameters.driftInterval().isZero() && outcome.correct()) {
          out.println();
          out.print(DriftCheckCost.measure(simulator, parameters, out).table());
        }
        if (!outcome.correct()) {
          out.println("Operator log (last lines, all in " + operator.log().toAbsolutePath() + "):\n"
              + operator.tail());
        }
        return report;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * @param creation how long creating the N resources took
   * @param operatorStart from launching the operator process to its first ready answer
   * @param convergenceSeconds from the start (see {@link Mode}) to the last resource terminal; NaN if some never were
   */
  record Timings(Duration creation, Duration operatorStart, double convergenceSeconds) {
  }

  /** Creates every resource, CREATE_THREADS at a time, telling every ten seconds how far it got. */
  private static Duration createAll(KubernetesClient kubernetes, List<Expectation> expectations,
      ConvergenceTracker tracker, PrintStream out) throws InterruptedException {
    long start = System.nanoTime();
    long told = start;
    ExecutorService creators = Executors.newFixedThreadPool(CREATE_THREADS);
    try {
      List<Future<?>> creates = new ArrayList<>();
      for (Expectation expectation : expectations) {
        creates.add(creators.submit(() -> {
          kubernetes.resource(BenchmarkWorld.resource(expectation)).create();
          tracker.created(expectation.name(), System.nanoTime());
        }));
      }
      for (int done = 0; done < creates.size(); done++) {
        creates.get(done).get();
        if (System.nanoTime() - told > PROGRESS_INTERVAL.toNanos()) {
          told = System.nanoTime();
          out.printf("  %4d s: %d of %d created%n", Duration.ofNanos(told - start).toSeconds(), done + 1,
              creates.size());
        }
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the resources: " + e.getCause().getMessage(), e.getCause());
    } finally {
      creators.shutdownNow();
      creators.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** Waits, telling how far it got every ten seconds, so a long run shows it is alive. */
  private static boolean awaitTerminal(ConvergenceTracker tracker, BenchmarkParameters parameters, PrintStream out)
      throws InterruptedException {
    long deadline = System.nanoTime() + parameters.timeout().toNanos();
    long start = System.nanoTime();
    while (true) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      Duration wait = left.compareTo(PROGRESS_INTERVAL) < 0 ? left : PROGRESS_INTERVAL;
      if (tracker.awaitTerminal(parameters.resources(), wait)) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        out.printf("Timed out: %d of %d terminal.%n", tracker.terminalCount(), parameters.resources());
        return false;
      }
      out.printf("  %4d s: %d of %d terminal%n", Duration.ofNanos(System.nanoTime() - start).toSeconds(),
          tracker.terminalCount(), parameters.resources());
    }
  }

  /**
   * Each resource ends as its account promises, the simulator accepted exactly one provision for it, and never
   * more than one provisioning of a permission set was in flight.
   */
  static Outcome check(BenchmarkWorld world, List<PermissionSetProvisioning> resources,
      RequestCounters.Snapshot counts) {
    Map<String, PermissionSetProvisioning> byName = resources.stream()
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), Function.identity()));
    List<String> problems = new ArrayList<>();
    Map<String, Long> reasons = new TreeMap<>();
    int terminal = 0;
    int ready = 0;
    int failed = 0;
    for (Expectation expectation : world.expectations()) {
      PermissionSetProvisioning resource = byName.get(expectation.name());
      if (resource == null) {
        problems.add(expectation.name() + ": missing");
        continue;
      }
      PermissionSetProvisioningStatus status = resource.getStatus();
      String reason = Optional.ofNullable(status).flatMap(s -> s.condition("Ready")).map(Condition::getReason)
          .orElse("no status");
      reasons.merge(reason, 1L, Long::sum);
      if (ConvergenceTracker.terminal(resource)) {
        terminal++;
      } else {
        problems.add(expectation.name() + ": not terminal (" + reason + ")");
        continue;
      }
      if (expectation.failureReason().isPresent()) {
        if (ConditionReason.PROVISIONING_FAILED.reason().equals(reason) && "FAILED".equals(
            status.getProvisioningStatus()) && expectation.failureReason().get().equals(status.getFailureReason())) {
          failed++;
        } else {
          problems.add(expectation.name() + ": expected ProvisioningFailed with the account's reason, got " + reason
              + " " + status.getProvisioningStatus() + " '" + status.getFailureReason() + "'");
        }
      } else if (ConditionReason.PROVISIONED.reason().equals(reason) && "SUCCEEDED".equals(
          status.getProvisioningStatus())) {
        ready++;
      } else {
        problems.add(expectation.name() + ": expected Provisioned, got " + reason + " "
            + status.getProvisioningStatus());
      }
      long accepted = counts.acceptedProvisions(expectation.instanceId(), expectation.permissionSetId(),
          expectation.accountId());
      if (accepted != 1) {
        problems.add(expectation.name() + ": the simulator accepted " + accepted + " provisions, not exactly one");
      }
    }
    // the cloud takes one provisioning of a permission set at a time, and answers a second with 409
    counts.maxInFlight().forEach((permissionSet, most) -> {
      if (most > 1) {
        problems.add(permissionSet + ": " + most + " provisionings in flight at once");
      }
    });
    return new Outcome(terminal, ready, failed, counts.totalAcceptedProvisions(), reasons, problems.isEmpty(),
        problems.size(), List.copyOf(problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size()))));
  }

  static BenchmarkReport report(BenchmarkParameters parameters, Timings timings, RequestCounters.Snapshot counts,
      Map<String, Duration> timesToTerminal, BenchmarkReport.Operator operator, Outcome outcome) {
    double convergenceSeconds = timings.convergenceSeconds();
    int n = parameters.resources();
    double lowerBound = parameters.lowerBound().toNanos() / 1e9;
    long total = counts.totalCalls();
    long throttled = counts.throttled();
    Map<String, Double> perResourceByEndpoint = new TreeMap<>();
    counts.calls().keySet().forEach(endpoint -> perResourceByEndpoint.put(endpoint,
        (double) counts.total(endpoint) / n));
    Calls calls = new Calls(total, (double) total / n, new TreeMap<>(counts.calls()), perResourceByEndpoint,
        throttled, total == 0 ? 0 : (double) throttled / total);
    Percentiles percentiles = percentiles(timesToTerminal.values().stream().mapToDouble(d -> d.toNanos() / 1e9)
        .sorted().toArray());
    double bound = CONVERGENCE_FACTOR * lowerBound;
    List<Target> targets = List.of(
        Target.atMost("convergence", Double.isNaN(convergenceSeconds) ? Double.POSITIVE_INFINITY
            : convergenceSeconds, bound),
        // until every resource is terminal, the calls so far say nothing about the calls a resource needs
        Target.atMost("calls per resource", Double.isNaN(convergenceSeconds) ? Double.POSITIVE_INFINITY
            : calls.perResource(), parameters.history() > 0 ? CALLS_PER_RESOURCE_WITH_HISTORY : CALLS_PER_RESOURCE),
        Target.atMost("throttled share", calls.throttledShare(), THROTTLED_SHARE),
        Target.atMost("p99", percentiles.p99(), bound),
        Target.atMost("live heap", operator.liveHeapAfterFullGcBytes() < 0 ? Double.POSITIVE_INFINITY
            : operator.liveHeapAfterFullGcBytes(), LIVE_HEAP_BYTES),
        // a thread per resource would show as at least N threads
        Target.below("threads", operator.threads(), n));
    return new BenchmarkReport(new BenchmarkReport.Parameters(n, parameters.provisioningLatency().toMillis() / 1e3,
        parameters.rateLimitPerSecond(), parameters.failShare(), parameters.permissionSets(),
        parameters.mode().name().toLowerCase(Locale.ROOT), parameters.history(),
        parameters.listLag().toMillis() / 1e3, parameters.operatorEnvironment(),
        parameters.cloud().name().toLowerCase(Locale.ROOT)), lowerBound,
        parameters.serialBound().toMillis() / 1e3, timings.creation().toMillis() / 1e3,
        timings.operatorStart().toMillis() / 1e3, convergenceSeconds, convergenceSeconds / lowerBound, calls,
        percentiles, operator, outcome, targets);
  }

  /** Nearest-rank percentiles of sorted values; NaN when there are none. */
  static Percentiles percentiles(double[] sorted) {
    if (sorted.length == 0) {
      return new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Percentiles(rank(sorted, 0.50), rank(sorted, 0.95), rank(sorted, 0.99), sorted[sorted.length - 1]);
  }

  private static double rank(double[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
