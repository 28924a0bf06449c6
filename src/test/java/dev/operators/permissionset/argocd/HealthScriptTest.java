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
  static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

  /** One entry of health_test.yaml. */
  record Case(HealthStatus healthStatus, String inputPath) {
  }

  private record Cases(List<Case> tests) {
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
