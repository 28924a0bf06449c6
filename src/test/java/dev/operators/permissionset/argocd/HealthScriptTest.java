package dev.operators.permissionset.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.operators.permissionset.argocd.ArgoCdLua.HealthStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * deploy/argocd/health_test.yaml, run as Argo CD's own {@code util/lua/health_test.go} runs a bundled script's
 * health_test.yaml, but with only the libraries Argo CD opens for a health check configured in argocd-cm.
 */
class HealthScriptTest {

  static final Path FOLDER = Path.of("deploy/argocd");
  static final Path SCRIPT = FOLDER.resolve("health.lua");
  static final Path TESTS = FOLDER.resolve("health_test.yaml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

  /** One entry of health_test.yaml. */
  record Case(HealthStatus healthStatus, String inputPath) {
  }

  private record Cases(List<Case> tests) {
  }

  private static final String HEADER = """
      # Argo CD's health_test.yaml format (resource_customizations/<group>/<kind>/health_test.yaml).
      # Every input is a resource as the operator wrote it in an end-to-end test
      # (HealthOfOperatorWrittenResourcesTest; -Dargocd.testdata.write=true rewrites them).
      tests:
      """;

  /** Replaces the case for the same input, or adds it at the end, keeping the file's layout. */
  static void writeCase(Case updated) throws IOException {
    List<Case> cases = new ArrayList<>(cases());
    List<String> inputs = cases.stream().map(Case::inputPath).toList();
    if (inputs.contains(updated.inputPath())) {
      cases.set(inputs.indexOf(updated.inputPath()), updated);
    } else {
      cases.add(updated);
    }
    StringBuilder file = new StringBuilder(HEADER);
    for (Case test : cases) {
      file.append("- healthStatus:\n")
          .append("    status: ").append(test.healthStatus().status()).append('\n')
          .append("    message: ").append(JSON.writeValueAsString(test.healthStatus().message())).append('\n')
          .append("  inputPath: ").append(test.inputPath()).append('\n');
    }
    Files.writeString(TESTS, file);
  }

  static List<Case> cases() {
    try {
      return YAML.readValue(TESTS.toFile(), Cases.class).tests();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> resource(Path file) {
    try {
      return YAML.readValue(file.toFile(), MAP);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String script() {
    try {
      return Files.readString(SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseGetsItsHealth() {
    return cases().stream().map(test -> DynamicTest.dynamicTest(test.inputPath(), () ->
        assertThat(ArgoCdLua.health(script(), resource(FOLDER.resolve(test.inputPath()))))
            .isEqualTo(test.healthStatus())));
  }

  @Test
  void theScriptReadsNoGlobalArgoCdLeavesOut() {
    assertThat(ArgoCdLua.undefinedGlobals(script())).isEmpty();
  }

  @Test
  void everyTestdataFileIsACaseAndEveryHealthIsCovered() throws IOException {
    List<String> inputs = cases().stream().map(Case::inputPath).toList();
    try (Stream<Path> files = Files.list(FOLDER.resolve("testdata"))) {
      assertThat(files.map(file -> "testdata/" + file.getFileName()))
          .containsExactlyInAnyOrderElementsOf(inputs);
    }
    assertThat(cases()).extracting(test -> test.healthStatus().status())
        .contains("Healthy", "Progressing", "Degraded");
  }
}
