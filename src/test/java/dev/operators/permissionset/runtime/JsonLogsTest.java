package dev.operators.permissionset.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.simulator.IdentityCenterSimulator;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.DemoWorld;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.OperatorProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production log4j2.xml in a JVM of its own: text by default, one JSON object per line with LOG_FORMAT=json. */
class JsonLogsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> runProbe(Map<String, String> environment) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(),
        // the test classpath also holds log4j2-test.xml, which log4j would prefer
        "-Dlog4j2.configurationFile=log4j2.xml",
        "-cp", System.getProperty("java.class.path"), JsonLogProbe.class.getName());
    builder.environment().remove("LOG_FORMAT");
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    Process probe = builder.start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(probe.exitValue()).as(output).isZero();
    return output.lines().filter(line -> !line.isBlank()).toList();
  }

  @Test
  void jsonLinesCarryTheResourceOfTheReconcile() throws Exception {
    List<String> lines = runProbe(Map.of("LOG_FORMAT", "json"));

    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(JSON.readTree(line));
    }
    assertThat(events).hasSize(3);
    JsonNode provisioning = events.get(0);
    assertThat(provisioning.path("log.level").asText()).isEqualTo("INFO");
    assertThat(provisioning.path("log.logger").asText())
        .isEqualTo("dev.operators.permissionset.reconciler.PermissionSetProvisioningReconciler");
    assertThat(provisioning.path("message").asText()).isEqualTo("Provisioning request "
        + "5a1f0e2d-6c7b-4a98-b1c2-d3e4f5a6b7c8 made for generation 3: IN_PROGRESS");
    assertThat(provisioning.path("resource.namespace").asText()).isEqualTo("platform");
    assertThat(provisioning.path("resource.name").asText()).isEqualTo("readonly-to-payments");
    assertThat(provisioning.path("resource.generation").asText()).isEqualTo("3");
    assertThat(provisioning.path("service.name").asText()).isEqualTo("permission-set-operator");
    assertThat(provisioning.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    JsonNode failure = events.get(1);
    assertThat(failure.path("message").asText()).isEqualTo("Identity Center call failed (THROTTLED): \"quoted\"\n"
        + "second line");
    assertThat(failure.path("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(failure.path("error.stack_trace").asText()).contains("JsonLogProbe.main");
    assertThat(failure.path("resource.name").asText()).isEqualTo("readonly-to-payments");
    assertThat(events.get(2).has("resource.name")).isFalse();
  }

  @Test
  void textIsTheDefaultAndNamesTheResourceToo() throws Exception {
    List<String> lines = runProbe(Map.of());

    assertThat(lines.get(0)).contains("INFO").contains("PermissionSetProvisioningReconciler")
        .contains("[platform/readonly-to-payments] - Provisioning request");
    assertThat(lines.get(0)).doesNotStartWith("{");
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("java.lang.IllegalStateException: boom"));
    assertThat(lines.get(lines.size() - 1)).contains("- Outside any reconcile").doesNotContain("[/");
  }

  /**
   * The operator itself, as its own JVM with LOG_FORMAT=json, from its start through a provisioning to its stop:
   * every line on stdout and stderr (which a log pipeline reads as one stream) is one JSON object.
   */
  @Test
  void everyLineTheOperatorPrintsWithJsonFormatIsJson(@TempDir Path folder) throws Exception {
    try (KubernetesTestServer kubernetes = KubernetesTestServer.start();
        IdentityCenterSimulator simulator = IdentityCenterSimulator.start(SimulatorFixture.demo(),
            IdentityCenterSimulator.Options.defaults())) {
      OperatorProcess operator = OperatorProcess.start(folder.resolve("operator.log"), kubernetes.client(),
          new OperatorProcess.Cloud(simulator.endpoint(), DemoWorld.ACCESS_KEY, DemoWorld.SECRET_KEY,
              DemoWorld.DOMAIN_ID), Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "DEBUG"));
      try {
        operator.awaitReady(Duration.ofSeconds(60));
        kubernetes.client().load(Files.newInputStream(Path.of("examples/readonly-to-payments.yaml")))
            .inNamespace(DemoWorld.NAMESPACE).create();
        AwaitStatus.withReason(kubernetes.client(), DemoWorld.NAMESPACE, "readonly-to-payments", "Provisioned");
      } finally {
        operator.close();
      }

      List<String> lines = Files.readAllLines(operator.log());
      assertThat(lines).hasSizeGreaterThan(5);
      assertThat(lines).allSatisfy(line -> assertThat(JSON.readTree(line).path("log.level").asText())
          .as("a JSON log event: %s", line).isNotEmpty());
      assertThat(lines).anySatisfy(line -> assertThat(JSON.readTree(line).path("message").asText())
          .isEqualTo("Stopping"));
    }
  }
}
