package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * deploy/ as kubectl renders it, and the Helm chart as Helm renders it with its defaults and its variants: what
 * they install, least-privilege RBAC, the restricted Pod Security Standard.
 */
class DeployManifestsTest {

  static Stream<Named<Installations.Rendering>> installations() {
    return Installations.all();
  }

  private static JsonNode container(RenderedDeploy deploy) {
    return deploy.only("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static Map<String, JsonNode> environment(RenderedDeploy deploy) {
    Map<String, JsonNode> variables = new HashMap<>();
    container(deploy).path("env").forEach(e -> variables.put(e.path("name").asText(), e));
    return variables;
  }

  private static List<String> texts(JsonNode array) {
    return RenderedDeploy.texts(array);
  }

  @Test
  void installsTheCrdsNamespaceAccountRbacDeploymentAndMetricsService() throws Exception {
    RenderedDeploy deploy = RenderedDeploy.render();
    assertThat(deploy.documents()).extracting(d -> d.path("kind").asText()).containsExactlyInAnyOrder("Namespace",
        "CustomResourceDefinition", "CustomResourceDefinition", "CustomResourceDefinition", "ServiceAccount",
        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service");
    List<JsonNode> committedCrds = new ArrayList<>();
    for (String file : List.of("permissionsetprovisionings", "identitycenterconnections",
        "clusteridentitycenterconnections")) {
      committedCrds.add(RenderedDeploy.YAML.readTree(Files.readString(
          Path.of("crds/" + file + ".identitycenter.operators.dev-v1.yml"))));
    }
    assertThat(deploy.documents()).filteredOn(d -> d.path("kind").asText().equals("CustomResourceDefinition"))
        .containsExactlyInAnyOrderElementsOf(committedCrds);
    assertThat(deploy.only("Namespace").path("metadata").path("labels").path("pod-security.kubernetes.io/enforce")
        .asText()).isEqualTo("restricted");
  }

  @ParameterizedTest
  @MethodSource("installations")
  void secretsAreOnlyListedAndWatchedNeverReadByNameOrWritten(Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();

    assertThat(deploy.grants()).filteredOn(g -> g.resource().equals("secrets"))
        .extracting(RenderedDeploy.Grant::verb)
        .containsOnly("list", "watch")
        .contains("list", "watch");
  }

  @ParameterizedTest
  @MethodSource("installations")
  void leasesAreGrantedInTheOperatorsNamespaceOnlyAndEverythingIsBoundToItsAccount(
      Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    String namespace = deploy.operatorNamespace();
    List<String> watched = deploy.watchNamespaces();
    Set<RenderedDeploy.Grant> grants = deploy.grants();

    assertThat(grants).filteredOn(g -> g.resource().equals("leases"))
        .isNotEmpty()
        .allSatisfy(g -> assertThat(g.namespace()).contains(namespace));
    if (watched.isEmpty()) {
      assertThat(grants).filteredOn(g -> g.namespace().isPresent()).allSatisfy(g ->
          assertThat(g.resource()).isEqualTo("leases"));
    } else {
      // what lives in namespaces is granted there: in the watched ones, the operator's own (its Lease, the Secrets
      // of cluster connections) and default (the Events of cluster-scoped connections)
      assertThat(grants).filteredOn(g -> g.namespace().isEmpty()).extracting(RenderedDeploy.Grant::resource)
          .containsOnly("clusteridentitycenterconnections", "clusteridentitycenterconnections/status", "namespaces");
      assertThat(grants).filteredOn(g -> g.namespace().isPresent())
          .extracting(g -> g.namespace().orElseThrow())
          .allSatisfy(grantedIn -> assertThat(grantedIn).isIn(Stream.concat(watched.stream(),
              Stream.of(namespace, "default")).toList()));
      for (String watchedNamespace : watched) {
        assertThat(grants).contains(new RenderedDeploy.Grant("watch", "identitycenter.operators.dev",
            "permissionsetprovisionings", Optional.of(watchedNamespace)));
      }
    }
    assertThat(grants).extracting(RenderedDeploy.Grant::verb).doesNotContain("delete", "deletecollection", "*");
    String account = deploy.only("ServiceAccount").path("metadata").path("name").asText();
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      assertThat(deploy.all(kind)).isNotEmpty().allSatisfy(binding -> {
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo(account);
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo(namespace);
      });
    }
    assertThat(deploy.all("Role")).filteredOn(role -> role.path("rules").toString().contains("leases"))
        .singleElement().satisfies(role -> assertThat(role.path("metadata").path("namespace").asText())
            .isEqualTo(namespace));
  }

  @ParameterizedTest
  @MethodSource("installations")
  void twoReplicasElectALeaderNamedByTheDownwardApi(Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    JsonNode deployment = deploy.only("Deployment");
    Map<String, JsonNode> env = environment(deploy);

    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(env.get("LEADER_ELECTION").path("value").asText()).isEqualTo("true");
    assertThat(env.get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(env.get("POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(deployment.path("spec").path("template").path("spec").path("affinity").path("podAntiAffinity")
        .isMissingNode()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("installations")
  void prometheusScrapesTheHttpPortThroughAnnotationsAndTheService(
      Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    JsonNode template = deploy.only("Deployment").path("spec").path("template");
    JsonNode annotations = template.path("metadata").path("annotations");
    JsonNode service = deploy.only("Service");

    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8080");
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(service.path("metadata").path("namespace").asText()).isEqualTo(deploy.operatorNamespace());
    assertThat(service.path("spec").path("selector"))
        .isEqualTo(template.path("metadata").path("labels"));
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
  }

  @ParameterizedTest
  @MethodSource("installations")
  void deploymentMeetsTheRestrictedPodSecurityStandard(Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    JsonNode pod = deploy.only("Deployment").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    JsonNode podSecurity = pod.path("securityContext");
    JsonNode containerSecurity = container.path("securityContext");

    assertThat(podSecurity.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(podSecurity.path("runAsUser").asInt()).isPositive();
    assertThat(podSecurity.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(containerSecurity.path("allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(containerSecurity.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(containerSecurity.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(containerSecurity.path("capabilities").path("drop"))).containsExactly("ALL");
    assertThat(containerSecurity.path("capabilities").has("add")).isFalse();
    assertThat(containerSecurity.path("privileged").asBoolean(false)).isFalse();
    assertThat(pod.path("hostNetwork").asBoolean(false)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("installations")
  void probesAndEnvironmentMatchWhatTheOperatorServesAndReads(Installations.Rendering installation) throws Exception {
    RenderedDeploy deploy = installation.render();
    JsonNode container = container(deploy);

    assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
    assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    List<String> variables = StreamSupport.stream(container.path("env").spliterator(), false)
        .map(e -> e.path("name").asText()).toList();
    assertThat(variables).contains("WATCH_NAMESPACES", "RESOURCE_LABEL_SELECTOR", "LOG_FORMAT", "LEADER_ELECTION",
        "POD_NAME", "POD_NAMESPACE");
    // the cloud, its credentials and who may use them live in connections, not in the operator's environment
    assertThat(variables).noneMatch(name -> name.startsWith("IDENTITY_CENTER_"));
    assertThat(container.path("env")).noneMatch(e -> e.path("valueFrom").has("secretKeyRef"));
    assertThat(container.has("envFrom")).isFalse();
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    // the heap a bounded share of that limit (under 70%), leaving room for metaspace, code, threads and buffers
    assertThat(environment(deploy).get("JAVA_TOOL_OPTIONS").path("value").asText())
        .containsPattern("-XX:MaxRAMPercentage=[1-6]?[0-9](\\.[0-9]+)?\\b|-Xmx");
  }

  @Test
  void dockerfileBuildsInOneStageAndRunsAJreAsANonRootUser() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    List<Integer> stages = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        stages.add(i);
      }
    }
    assertThat(stages).hasSize(2);
    List<String> runtime = lines.subList(stages.get(1), lines.size());
    assertThat(runtime.get(0)).contains("-jre").doesNotContain("maven").doesNotContain("jdk");
    assertThat(runtime).noneMatch(line -> line.startsWith("RUN "));
    assertThat(runtime).anySatisfy(line -> assertThat(line).matches("USER [1-9][0-9]*(:[1-9][0-9]*)?"));
    assertThat(runtime.get(runtime.size() - 1)).contains("/app/permission-set-operator.jar");
  }
}
