package dev.operators.permissionset.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class KubectlTest {

  @TempDir
  Path bin;

  @Test
  void withoutKubectlATestIsSkippedWithTheReason() {
    assertThatThrownBy(() -> Kubectl.decide(Map.of("PATH", bin.toString())))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("kubectl not on PATH: skipped; .ci/run installs it");
  }

  @Test
  void inCiAMissingKubectlFailsInsteadOfSkipping() {
    assertThatThrownBy(() -> Kubectl.decide(Map.of("PATH", bin.toString(), "CI", "true")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("CI=true");
  }

  @Test
  void anExecutableKubectlOnPathRuns() throws Exception {
    Files.createFile(bin.resolve("kubectl"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));

    assertThatCode(() -> Kubectl.decide(Map.of("PATH", "/nonexistent:" + bin, "CI", "true")))
        .doesNotThrowAnyException();
  }
}
