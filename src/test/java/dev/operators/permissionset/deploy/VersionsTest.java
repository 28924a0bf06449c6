package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** One version names a release everywhere (RELEASING.md): the pom, the image, deploy/, Argo CD, the changelog. */
class VersionsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String IMAGE = "ghcr.io/operators-dev/permission-set-operator";
  private static final Path CHART = Path.of("deploy/helm/permission-set-operator/Chart.yaml");

  private static String pom(String xpath) throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    return XPathFactory.newInstance().newXPath().evaluate(xpath, pom);
  }

  private static JsonNode yaml(String file) throws Exception {
    return YAML.readTree(Path.of(file).toFile());
  }

  @Test
  void thePomVersionIsAReleaseVersion() throws Exception {
    assertThat(pom("/*[local-name()='project']/*[local-name()='version']")).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void everyPlaceNamesThePomsVersion() throws Exception {
    String version = pom("/*[local-name()='project']/*[local-name()='version']");

    assertThat(yaml("deploy/deployment.yaml").path("spec").path("template").path("spec").path("containers").get(0)
        .path("image").asText()).isEqualTo(IMAGE + ":" + version);
    JsonNode images = yaml("deploy/kustomization.yaml").path("images");
    assertThat(images).hasSize(1);
    assertThat(images.get(0).path("name").asText()).isEqualTo(IMAGE);
    assertThat(images.get(0).path("newTag").asText()).isEqualTo(version);
    assertThat(pom("//*[local-name()='profile'][*[local-name()='id']='jib']/*[local-name()='properties']"
        + "/*[local-name()='image']")).isEqualTo(IMAGE + ":${project.version}");
    assertThat(yaml("examples/argocd/permission-set-operator.yaml").path("spec").path("source")
        .path("targetRevision").asText()).isEqualTo("v" + version);
    assertThat(Files.readAllLines(Path.of("CHANGELOG.md")))
        .anySatisfy(line -> assertThat(line).startsWith("## [" + version + "] - "));
    assertThat(YAML.readTree(CHART.toFile()).path("appVersion").asText()).isEqualTo(version);
    assertThat(YAML.readTree(CHART.toFile()).path("version").asText()).isEqualTo(version);
  }
}
