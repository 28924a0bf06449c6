package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/ as kubectl renders it: what it installs, least-privilege RBAC, the restricted Pod Security Standard. */
class DeployManifestsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static List<JsonNode> rendered;

  @BeforeAll
  static void render() throws Exception {
    Process kubectl = new ProcessBuilder("kubectl", "kustomize", "deploy/").redirectErrorStream(true).start();
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kubectl.exitValue()).as(output).isZero();
    rendered = documents(output);
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      iterator.forEachRemaining(document -> {
        if (document != null && !document.isEmpty()) {
          documents.add(document);
        }
      });
    }
    return documents;
  }

  private static JsonNode only(String kind) {
    List<JsonNode> matching = rendered.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(matching).as(kind).hasSize(1);
    return matching.get(0);
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void installsTheCrdNamespaceAccountRbacAndDeployment() throws IOException {
    assertThat(rendered).extracting(d -> d.path("kind").asText()).containsExactlyInAnyOrder("Namespace",
        "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
    JsonNode committedCrd = YAML.readTree(Files.readString(
        Path.of("crds/permissionsetprovisionings.identitycenter.operators.dev-v1.yml")));
    assertThat(only("CustomResourceDefinition")).isEqualTo(committedCrd);
    assertThat(only("Namespace").path("metadata").path("labels").path("pod-security.kubernetes.io/enforce")
        .asText()).isEqualTo("restricted");
  }

  @Test
  void clusterRoleGrantsExactlyWhatTheOperatorUses() {
    List<Map<String, List<String>>> rules = new ArrayList<>();
    for (JsonNode rule : only("ClusterRole").path("rules")) {
      rules.add(Map.of("apiGroups", texts(rule.path("apiGroups")), "resources", texts(rule.path("resources")),
          "verbs", texts(rule.path("verbs"))));
    }

    assertThat(rules).containsExactlyInAnyOrder(
        Map.of("apiGroups", List.of("identitycenter.operators.dev"), "resources",
            List.of("permissionsetprovisionings"), "verbs", List.of("get", "list", "watch")),
        Map.of("apiGroups", List.of("identitycenter.operators.dev"), "resources",
            List.of("permissionsetprovisionings/status"), "verbs", List.of("get", "patch")),
        Map.of("apiGroups", List.of(""), "resources", List.of("secrets"), "verbs", List.of("get", "list", "watch")));
    JsonNode binding = only("ClusterRoleBinding");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("permission-set-operator");
    assertThat(binding.path("subjects").get(0).path("kind").asText()).isEqualTo("ServiceAccount");
    assertThat(binding.path("subjects").get(0).path("name").asText())
        .isEqualTo(only("ServiceAccount").path("metadata").path("name").asText());
    assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo("permission-set-operator");
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
    JsonNode container = only("Deployment").path("spec").path("template").path("spec").path("containers").get(0);

    assertThat(container.path("ports").get(0).path("name").asText()).isEqualTo("http");
    assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    List<String> variables = StreamSupport.stream(container.path("env").spliterator(), false)
        .map(e -> e.path("name").asText()).toList();
    assertThat(variables).contains("IDENTITY_CENTER_ENDPOINT", "WATCH_NAMESPACES", "IDENTITY_CENTER_ACCESS_KEY",
        "IDENTITY_CENTER_SECRET_KEY", "IDENTITY_CENTER_SECURITY_TOKEN", "IDENTITY_CENTER_DOMAIN_ID");
    StreamSupport.stream(container.path("env").spliterator(), false)
        .filter(e -> e.has("valueFrom"))
        .forEach(e -> assertThat(e.path("valueFrom").path("secretKeyRef").path("optional").asBoolean())
            .as(e.path("name").asText()).isTrue());
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();
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
