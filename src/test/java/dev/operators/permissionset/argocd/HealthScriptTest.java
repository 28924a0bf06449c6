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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/argocd/health_test.yaml (PermissionSetProvisioning) and deploy/argocd/connections/health_test.yaml (both
 * connection kinds), run as Argo CD's own {@code util/lua/health_test.go} runs a bundled script's health_test.yaml,
 * but with only the libraries Argo CD opens for a health check configured in argocd-cm.
 */
class HealthScriptTest {

  /** The health check of PermissionSetProvisioning. */
  static final Path FOLDER = Path.of("deploy/argocd");
  /** The health check of IdentityCenterConnection and ClusterIdentityCenterConnection. */
  static final Path CONNECTIONS = FOLDER.resolve("connections");
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

  static List<Path> folders() {
    return List.of(FOLDER, CONNECTIONS);
  }

  /** Replaces the case for the same input, or adds it at the end, keeping the file's layout. */
  static void writeCase(Path folder, Case updated) throws IOException {
    List<Case> cases = new ArrayList<>(cases(folder));
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
    Files.writeString(folder.resolve("health_test.yaml"), file);
  }

  static List<Case> cases(Path folder) {
    try {
      return YAML.readValue(folder.resolve("health_test.yaml").toFile(), Cases.class).tests();
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

  static String script(Path folder) {
    try {
      return Files.readString(folder.resolve("health.lua"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCaseGetsItsHealth() {
    return folders().stream().flatMap(folder -> cases(folder).stream().map(test -> DynamicTest.dynamicTest(
        folder.resolve(test.inputPath()).toString(), () ->
            assertThat(ArgoCdLua.health(script(folder), resource(folder.resolve(test.inputPath()))))
                .isEqualTo(test.healthStatus()))));
  }

  @ParameterizedTest
  @MethodSource("folders")
  void theScriptReadsNoGlobalArgoCdLeavesOut(Path folder) {
    assertThat(ArgoCdLua.undefinedGlobals(script(folder))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("folders")
  void everyTestdataFileIsACaseAndEveryHealthIsCovered(Path folder) throws IOException {
    List<String> inputs = cases(folder).stream().map(Case::inputPath).toList();
    try (Stream<Path> files = Files.list(folder.resolve("testdata"))) {
      assertThat(files.map(file -> "testdata/" + file.getFileName()))
          .containsExactlyInAnyOrderElementsOf(inputs);
    }
    assertThat(cases(folder)).extracting(test -> test.healthStatus().status())
        .contains("Healthy", "Progressing", "Degraded");
  }

  @Test
  void bothConnectionKindsAreCovered() {
    assertThat(cases(CONNECTIONS)).extracting(test -> resource(CONNECTIONS.resolve(test.inputPath())).get("kind"))
        .contains("IdentityCenterConnection", "ClusterIdentityCenterConnection");
  }

  @Test
  void aConnectionThatFailedItsCheckIsDegradedWhateverTheReason() {
    List<String> failedReasons = new ArrayList<>();
    for (Case test : cases(CONNECTIONS)) {
      if (test.healthStatus().status().equals("Degraded")) {
        failedReasons.add(readyReason(resource(CONNECTIONS.resolve(test.inputPath()))));
      }
    }

    assertThat(failedReasons).contains("CredentialsUnavailable", "InvalidCredentials", "AccessDenied",
        "EndpointUnreachable");
  }

  @SuppressWarnings("unchecked")
  private static String readyReason(Map<String, Object> connection) {
    List<Map<String, Object>> conditions =
        (List<Map<String, Object>>) ((Map<String, Object>) connection.get("status")).get("conditions");
    return conditions.stream().filter(condition -> "Ready".equals(condition.get("type")))
        .map(condition -> (String) condition.get("reason")).findFirst().orElseThrow();
  }
}
