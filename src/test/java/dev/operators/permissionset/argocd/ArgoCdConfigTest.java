package dev.operators.permissionset.argocd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.demo.Example;
import dev.operators.permissionset.testing.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** What a platform team copies into Argo CD: the argocd-cm patch and the two example Applications. */
class ArgoCdConfigTest {

  private static final Path PATCH = HealthScriptTest.FOLDER.resolve("argocd-cm-patch.yaml");
  private static final Path APPLICATIONS = Path.of("examples/argocd");
  private static final ResourceDefinitionContext ARGO_CD_APPLICATION = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Application").withPlural("applications")
      .withNamespaced(true).build();

  private static JsonNode read(Path file) throws IOException {
    return HealthScriptTest.YAML.readTree(file.toFile());
  }

  private static List<String> syncOptions(JsonNode application) {
    return StreamSupport.stream(application.path("spec").path("syncPolicy").path("syncOptions").spliterator(), false)
        .map(JsonNode::asText).toList();
  }

  private static String key(HasMetadata kind) {
    return "resource.customizations.health." + PermissionSetProvisioning.GROUP + "_" + kind.getKind();
  }

  @Test
  void theArgoCdConfigMapPatchInstallsAHealthCheckForEachOfOurKinds() throws IOException {
    JsonNode patch = read(PATCH);
    Map<String, Path> scripts = Map.of(
        key(new PermissionSetProvisioning()), HealthScriptTest.FOLDER,
        key(new IdentityCenterConnection()), HealthScriptTest.CONNECTIONS,
        key(new ClusterIdentityCenterConnection()), HealthScriptTest.CONNECTIONS);

    assertThat(patch.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(patch.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    assertThat(patch.path("data").properties()).extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrderElementsOf(scripts.keySet());
    scripts.forEach((key, folder) -> assertThat(patch.path("data").path(key).asText())
        .as("%s must carry %s unchanged under %s", PATCH, folder.resolve("health.lua"), key)
        .isEqualTo(HealthScriptTest.script(folder)));
  }

  @Test
  void theOperatorApplicationSyncsDeployWithServerSideApplyAndKeepsTheCrdOnDeletion() throws IOException {
    JsonNode application = read(APPLICATIONS.resolve("permission-set-operator.yaml"));

    assertThat(application.path("kind").asText()).isEqualTo("Application");
    assertThat(Path.of(application.path("spec").path("source").path("path").asText()).resolve("kustomization.yaml"))
        .exists();
    assertThat(syncOptions(application)).contains("ServerSideApply=true");
    assertThat(application.path("metadata").path("finalizers").isMissingNode()).isTrue();
    assertThat(application.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asInt())
        .isLessThan(read(APPLICATIONS.resolve("team-permission-sets.yaml")).path("metadata").path("annotations")
            .path("argocd.argoproj.io/sync-wave").asInt());
  }

  @Test
  void theTeamApplicationToleratesTheCrdComingFromTheOtherApplication() throws IOException {
    JsonNode application = read(APPLICATIONS.resolve("team-permission-sets.yaml"));

    assertThat(application.path("kind").asText()).isEqualTo("Application");
    assertThat(syncOptions(application)).contains("SkipDryRunOnMissingResource=true");
    assertThat(application.path("spec").path("syncPolicy").path("retry").path("limit").asInt()).isPositive();
  }

  @Test
  void theDemoAppliesNoneOfTheArgoCdExamples() throws IOException {
    try (KubernetesTestServer kubernetes = KubernetesTestServer.start();
        Stream<Path> argoCdExamples = Files.list(APPLICATIONS)) {
      assertThat(argoCdExamples).isNotEmpty();

      Example.applyAll(Path.of("examples"), kubernetes.client(), UnaryOperator.identity());

      assertThat(kubernetes.client().genericKubernetesResources(ARGO_CD_APPLICATION)
          .inAnyNamespace().list().getItems()).isEmpty();
      assertThat(kubernetes.client().resources(PermissionSetProvisioning.class).inAnyNamespace().list().getItems())
          .isNotEmpty();
    }
  }
}
