package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Java classes are the source of truth; crds/ must hold exactly what the generator makes of them. */
class CrdIsCommittedTest {

  static final String FILE = "permissionsetprovisionings.identitycenter.operators.dev-v1.yml";
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8", FILE);
  static final Path COMMITTED = Path.of("crds", FILE);

  @Test
  void committedCrdIsTheGeneratedOne() throws IOException {
    assertThat(GENERATED).as("the CRD generator ran at process-classes").exists();

    assertThat(Files.readString(COMMITTED))
        .as("crds/ differs from the CRD generated from the Java classes; run: mvn -q process-classes && cp %s %s",
            GENERATED, COMMITTED)
        .isEqualTo(Files.readString(GENERATED));
  }
}
