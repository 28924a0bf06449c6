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
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** deploy/ as kubectl renders it: what it installs, least-privilege RBAC, the restricted Pod Security Standard. */
class DeployManifestsTest {

  private static RenderedDeploy deploy;

  /** Once for the class; per test, so that without kubectl each test reports itself skipped and why. */
  @BeforeEach
  void render() throws Exception {
    if (deploy == null) {
      deploy = RenderedDeploy.render();
    }
  }

  private static JsonNode only(String kind) {
    return deploy.only(kind);
  }

  private static List<String> texts(JsonNode array) {
    return RenderedDeploy.texts(array);
  }

  private static JsonNode container() {
    return only("Deployment").path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static Map<String, JsonNode> environment() {
    Map<String, JsonNode> variables = new HashMap<>();
    container().path("env").forEach(e -> variables.put(e.path("name").asText(), e));
    return variables;
  }

  @Test
  void installsTheCrdsNamespaceAccountRbacDeploymentAndMetricsService() throws IOException {
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
    assertThat(only("Namespace").path("metadata").path("labels").path("pod-security.kubernetes.io/enforce")
        .asText()).isEqualTo("restricted");
  }

  @Test
  void secretsAreOnlyListedAndWatchedNeverReadByNameOrWritten() {
    assertThat(deploy.grants()).filteredOn(g -> g.resource().equals("secrets"))
        .extracting(RenderedDeploy.Grant::verb)
        .containsExactlyInAnyOrder("list", "watch");
  }

  @Test
  void leasesAreGrantedInTheOperatorsNamespaceOnlyAndEverythingIsBoundToItsAccount() {
    String namespace = deploy.operatorNamespace();
    Set<RenderedDeploy.Grant> grants = deploy.grants();

    assertThat(grants).filteredOn(g -> g.resource().equals("leases"))
        .isNotEmpty()
        .allSatisfy(g -> assertThat(g.namespace()).contains(namespace));
    assertThat(grants).filteredOn(g -> g.namespace().isPresent()).allSatisfy(g ->
        assertThat(g.resource()).isEqualTo("leases"));
    assertThat(grants).extracting(RenderedDeploy.Grant::verb).doesNotContain("delete", "deletecollection", "*");
    for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
      JsonNode binding = only(kind);
      assertThat(binding.path("subjects")).hasSize(1);
      assertThat(binding.path("subjects").get(0).path("name").asText())
          .isEqualTo(only("ServiceAccount").path("metadata").path("name").asText());
      assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo(namespace);
    }
    assertThat(only("Role").path("metadata").path("namespace").asText()).isEqualTo(namespace);
  }

  @Test
  void twoReplicasElectALeaderNamedByTheDownwardApi() {
    JsonNode deployment = only("Deployment");
    Map<String, JsonNode> env = environment();

    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(env.get("LEADER_ELECTION").path("value").asText()).isEqualTo("true");
    assertThat(env.get("POD_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(env.get("POD_NAMESPACE").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(deployment.path("spec").path("template").path("spec").path("affinity").path("podAntiAffinity")
        .isMissingNode()).isFalse();
  }

  @Test
  void prometheusScrapesTheHttpPortThroughAnnotationsAndTheService() {
    JsonNode template = only("Deployment").path("spec").path("template");
    JsonNode annotations = template.path("metadata").path("annotations");
    JsonNode service = only("Service");

    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8080");
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(service.path("metadata").path("namespace").asText()).isEqualTo(deploy.operatorNamespace());
    assertThat(service.path("spec").path("selector"))
        .isEqualTo(template.path("metadata").path("labels"));
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
  }

  @Test
  void deploymentMeetsTheRestrictedPodSecurityStandard() {
    JsonNode pod = only("Deployment").path("spec").path("template").path("spec");
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

  @Test
  void probesAndEnvironmentMatchWhatTheOperatorServesAndReads() {
    JsonNode container = container();

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
  }
}
