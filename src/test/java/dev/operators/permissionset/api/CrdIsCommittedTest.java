package dev.operators.permissionset.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java classes are the source of truth; crds/ must hold exactly what the generator makes of them, and its
 * kustomization must install every one (kubectl apply -k crds/).
 */
class CrdIsCommittedTest {

  static final String FILE = "permissionsetprovisionings.identitycenter.operators.dev-v1.yml";
  static final String CONNECTION_FILE = "identitycenterconnections.identitycenter.operators.dev-v1.yml";
  static final String CLUSTER_CONNECTION_FILE = "clusteridentitycenterconnections.identitycenter.operators.dev-v1.yml";
  static final Path GENERATED_FOLDER = Path.of("target/classes/META-INF/fabric8");
  static final Path COMMITTED_FOLDER = Path.of("crds");
  static final Path COMMITTED = COMMITTED_FOLDER.resolve(FILE);

  static List<String> files() {
    return List.of(FILE, CONNECTION_FILE, CLUSTER_CONNECTION_FILE);
  }

  private static List<String> crdFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith("-v1.yml")).sorted()
          .toList();
    }
  }

  @Test
  void crdsHoldsExactlyTheGeneratedCrds() throws IOException {
    assertThat(GENERATED_FOLDER).as("the CRD generator ran at process-classes").isDirectory();

    assertThat(crdFiles(COMMITTED_FOLDER)).containsExactlyInAnyOrderElementsOf(crdFiles(GENERATED_FOLDER))
        .containsExactlyInAnyOrderElementsOf(files());
  }

  @ParameterizedTest
  @MethodSource("files")
  void committedCrdIsTheGeneratedOne(String file) throws IOException {
    Path generated = GENERATED_FOLDER.resolve(file);
    Path committed = COMMITTED_FOLDER.resolve(file);

    assertThat(Files.readString(committed))
        .as("crds/ differs from the CRD generated from the Java classes; run: mvn -q process-classes && cp %s %s",
            generated, committed)
        .isEqualTo(Files.readString(generated));
  }

  @Test
  void theKustomizationInstallsEveryCrd() throws IOException {
    JsonNode kustomization = new YAMLMapper().readTree(COMMITTED_FOLDER.resolve("kustomization.yaml").toFile());

    assertThat(StreamSupport.stream(kustomization.path("resources").spliterator(), false).map(JsonNode::asText))
        .containsExactlyInAnyOrderElementsOf(files());
  }
}
