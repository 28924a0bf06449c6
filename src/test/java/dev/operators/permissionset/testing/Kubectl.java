package dev.operators.permissionset.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that run kubectl (offline: {@code kubectl kustomize}, JSONPath with {@code --local}) need it on PATH. On a
 * machine with only a JDK and Maven they are skipped, with the reason in the report; in CI, which installs kubectl
 * ({@code .ci/run}), a missing kubectl is a failure, so that nothing is skipped there unseen.
 */
public final class Kubectl {

  static final String SKIPPED = "kubectl not on PATH: skipped; .ci/run installs it";

  private Kubectl() {
  }

  /** Skips the calling test (or class, from a {@code @BeforeAll}) without kubectl; fails it in CI. */
  public static void assumeOnPath() {
    decide(System.getenv());
  }

  static void decide(Map<String, String> environment) {
    if (onPath(environment.getOrDefault("PATH", ""))) {
      return;
    }
    if ("true".equalsIgnoreCase(environment.get("CI"))) {
      Assertions.fail("kubectl not on PATH, and CI=true: CI must run every test (.ci/run installs kubectl)");
    }
    Assumptions.abort(SKIPPED);
  }

  static boolean onPath(String path) {
    return Arrays.stream(path.split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry, "kubectl")).anyMatch(Files::isExecutable);
  }
}
