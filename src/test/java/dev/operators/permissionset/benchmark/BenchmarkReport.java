package dev.operators.permissionset.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.operators.permissionset.simulator.SimulatorFixture.Cloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one run, as a table for people and as JSON for comparing runs.
 *
 * @param parameters what the run did
 * @param lowerBoundSeconds T* = N / R + L
 * @param serialBoundSeconds ⌈N / P⌉ × L, the bound of one provisioning per permission set at a time
 * @param creationSeconds how long creating the N resources took on the embedded Kubernetes API
 * @param operatorStartSeconds from launching the operator process to its first ready answer
 * @param convergenceSeconds from the start (the operator ready, or the first create in live mode) to the last
 *     resource terminal; NaN when some never were
 * @param calls the simulator's answers by endpoint and HTTP status
 * @param operator what the operator process used
 * @param outcome whether every resource ended as its account promises
 * @param targets the targets and whether this run met them
 */
public record BenchmarkReport(Parameters parameters, double lowerBoundSeconds, double serialBoundSeconds,
    double creationSeconds,
    double operatorStartSeconds, double convergenceSeconds,
    double convergenceRatio, Calls calls, Percentiles timeToTerminalSeconds, Operator operator, Outcome outcome,
    List<Target> targets) {

  /**
   * @param history the finished requests the simulator's instance started with
   * @param listLagSeconds how long a new request stayed out of the simulator's lists
   * @param cloud {@code huawei} or {@code aws}, whose protocol the simulator spoke
   */
  public record Parameters(int resources, double provisioningLatencySeconds, int rateLimitPerSecond,
      double failShare, int permissionSets, String mode, int history, double listLagSeconds,
      Map<String, String> operatorEnvironment, String cloud) {
  }

  /**
   * @param byEndpoint operation → HTTP status (or "dropped") → answers
   * @param throttled the answers that throttled a call: 429 on Huawei Cloud, ThrottlingException on AWS
   * @param throttledShare those answers as a share of all calls
   */
  public record Calls(long total, double perResource, Map<String, Map<String, Long>> byEndpoint,
      Map<String, Double> perResourceByEndpoint, long throttled, double throttledShare) {
  }

  public record Percentiles(double p50, double p95, double p99, double max) {
  }

  /**
   * @param cpuSeconds user and system time from the operator's start to convergence
   * @param startupCpuSeconds the part of it spent before the operator was ready
   * @param liveHeapAfterFullGcBytes -1 when jcmd could not attach
   */
  public record Operator(double cpuSeconds, double startupCpuSeconds, long peakResidentBytes,
      long liveHeapAfterFullGcBytes, int threads) {
  }

  /**
   * @param reasons how many resources ended with each reason of their Ready condition
   * @param problems what went wrong, one line each (the first ones, when there are many)
   */
  public record Outcome(int terminal, int ready, int failed, long acceptedProvisions, Map<String, Long> reasons,
      boolean correct, int problemCount, List<String> problems) {
  }

  public record Target(String name, double measured, String comparison, double limit, boolean met) {

    static Target atMost(String name, double measured, double limit) {
      return new Target(name, measured, "<=", limit, measured <= limit);
    }

    static Target below(String name, double measured, double limit) {
      return new Target(name, measured, "<", limit, measured < limit);
    }
  }

  public boolean targetsMet() {
    return targets.stream().allMatch(Target::met);
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }

  public String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", "measured", "target", ""});
    rows.add(row("Resources created", seconds(creationSeconds) + ("live".equals(parameters.mode())
        ? " (while the operator runs)" : " (before the operator starts)")));
    rows.add(row("Operator start to ready", seconds(operatorStartSeconds)));
    rows.add(row("Lower bound T* = N / R + L", seconds(lowerBoundSeconds)));
    rows.add(row("One at a time per permission set: ceil(N / P) x L", seconds(serialBoundSeconds)));
    rows.add(row("Time to converge" + ("live".equals(parameters.mode()) ? " from the first create"
        : " from ready"), seconds(convergenceSeconds), "convergence"));
    rows.add(row("  ratio to T*", number(convergenceRatio)));
    rows.add(row("API calls per resource", number(calls.perResource()), "calls per resource"));
    calls.perResourceByEndpoint().forEach((endpoint, perResource) -> rows.add(row("  " + endpoint,
        number(perResource) + "  (" + calls.byEndpoint().get(endpoint).entrySet().stream()
            .map(answers -> "HTTP " + answers.getKey() + ": " + answers.getValue())
            .collect(Collectors.joining(", ")) + ")")));
    rows.add(row(("aws".equals(parameters.cloud()) ? "ThrottlingExceptions" : "429 responses") + ", share of calls",
        percent(calls.throttledShare()) + " (" + calls.throttled() + " of " + calls.total() + ")", "throttled share"));
    rows.add(row("Per resource, to terminal p50", seconds(timeToTerminalSeconds.p50())));
    rows.add(row("Per resource, to terminal p95", seconds(timeToTerminalSeconds.p95())));
    rows.add(row("Per resource, to terminal p99", seconds(timeToTerminalSeconds.p99()), "p99"));
    rows.add(row("Per resource, to terminal max", seconds(timeToTerminalSeconds.max())));
    rows.add(row("Operator CPU", seconds(operator.cpuSeconds()) + " (" + seconds(operator.startupCpuSeconds())
        + " to start)"));
    rows.add(row("Operator peak RSS", mebibytes(operator.peakResidentBytes())));
    rows.add(row("Operator live heap after full GC", operator.liveHeapAfterFullGcBytes() < 0 ? "unknown (no jcmd)"
        : mebibytes(operator.liveHeapAfterFullGcBytes()), "live heap"));
    rows.add(row("Operator threads", Integer.toString(operator.threads()), "threads"));
    int[] widths = new int[4];
    rows.forEach(row -> {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    });
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "Benchmark on %s: %d resources over %d permission set(s), %s failing; "
            + "simulator L = %s, R = %d calls/s for all endpoints, history of %d finished requests, lists lag %s; "
            + "%s mode%n%n", cloudName(Cloud.valueOf(parameters.cloud().toUpperCase(Locale.ROOT))),
        parameters.resources(), parameters.permissionSets(), percent(parameters.failShare()),
        seconds(parameters.provisioningLatencySeconds()), parameters.rateLimitPerSecond(), parameters.history(),
        seconds(parameters.listLagSeconds()), parameters.mode()));
    if (!parameters.operatorEnvironment().isEmpty()) {
      table.append("Operator settings: ").append(parameters.operatorEnvironment()).append("\n\n");
    }
    for (String[] row : rows) {
      table.append(String.format(Locale.ROOT, "%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s",
          (Object[]) row).stripTrailing()).append('\n');
    }
    table.append('\n').append(String.format(Locale.ROOT, "Outcome: %d of %d terminal, %d Ready, %d ProvisioningFailed; "
            + "%d provision(s) accepted. %s%n", outcome.terminal(), parameters.resources(), outcome.ready(),
        outcome.failed(), outcome.acceptedProvisions(), outcome.correct() ? "Every resource is correct."
            : outcome.problemCount() + " problem(s):"));
    if (!outcome.correct()) {
      table.append("  Ready reasons: ").append(outcome.reasons()).append('\n');
    }
    outcome.problems().forEach(problem -> table.append("  ").append(problem).append('\n'));
    return table.toString();
  }

  private String[] row(String label, String measured) {
    return new String[] {label, measured, "", ""};
  }

  private String[] row(String label, String measured, String targetName) {
    Target target = targets.stream().filter(t -> t.name().equals(targetName)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no target " + targetName));
    return new String[] {label, measured, target.comparison() + " " + format(targetName, target.limit()),
        target.met() ? "PASS" : "MISS"};
  }

  private static String format(String targetName, double limit) {
    return switch (targetName) {
      case "convergence", "p99" -> seconds(limit);
      case "throttled share" -> percent(limit);
      case "live heap" -> mebibytes((long) limit);
      case "threads" -> Long.toString((long) limit);
      default -> number(limit);
    };
  }

  /** The cloud as people name it. */
  static String cloudName(Cloud cloud) {
    return cloud == Cloud.AWS ? "AWS" : "Huawei Cloud";
  }

  private static String seconds(double seconds) {
    return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.1f s", seconds);
  }

  private static String number(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
  }
}
