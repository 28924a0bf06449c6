package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart without a cluster: Helm lints and renders it, its defaults install exactly what deploy/ installs
 * (one source of truth: a change to one that the other lacks fails here), and each value changes what it should.
 */
class HelmChartTest {

  /** What Helm adds to every object, and what deploy/ has no reason to carry. */
  private static final Set<String> HELM_ONLY_KEYS = Set.of("app.kubernetes.io/instance", "app.kubernetes.io/version",
      "app.kubernetes.io/managed-by", "helm.sh/chart", "helm.sh/resource-policy");

  private static Map<String, JsonNode> byKindAndName(List<JsonNode> documents) {
    Map<String, JsonNode> objects = new TreeMap<>();
    for (JsonNode document : documents) {
      JsonNode metadata = document.path("metadata");
      String key = document.path("kind").asText() + " " + metadata.path("namespace").asText("") + "/"
          + metadata.path("name").asText();
      assertThat(objects.put(key, withoutHelmKeys(document))).as("rendered twice: " + key).isNull();
    }
    return objects;
  }

  private static JsonNode withoutHelmKeys(JsonNode document) {
    JsonNode copy = document.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object.remove(HELM_ONLY_KEYS);
      for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        strip(field.getValue());
        if (field.getValue().isObject() && field.getValue().isEmpty()
            && (field.getKey().equals("annotations") || field.getKey().equals("labels"))) {
          fields.remove();
        }
      }
    } else if (node.isArray()) {
      node.forEach(HelmChartTest::strip);
    }
  }

  private static void assertSameObjects(List<JsonNode> chart, List<JsonNode> deploy) {
    Map<String, JsonNode> fromChart = byKindAndName(chart);
    Map<String, JsonNode> fromDeploy = byKindAndName(deploy);

    assertThat(fromChart.keySet()).as("objects of the chart and of deploy/").isEqualTo(fromDeploy.keySet());
    fromDeploy.forEach((key, object) -> assertThat(fromChart.get(key)).as(key).isEqualTo(object));
  }

  private static List<JsonNode> withoutNamespace(RenderedDeploy rendered) {
    return rendered.documents().stream().filter(d -> !d.path("kind").asText().equals("Namespace")).toList();
  }

  private static JsonNode container(RenderedDeploy rendered) {
    return rendered.deployment().path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static Map<String, String> environment(RenderedDeploy rendered) {
    Map<String, String> variables = new HashMap<>();
    container(rendered).path("env").forEach(e -> variables.put(e.path("name").asText(), e.path("value").asText()));
    return variables;
  }

  private static List<String> kinds(RenderedDeploy rendered) {
    return rendered.documents().stream().map(d -> d.path("kind").asText()).toList();
  }

  @Test
  void helmLintsTheChartWithoutAWarning() {
    LintResult lint = HelmChart.helm().lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theDefaultsInstallWhatDeployInstallsInTheReleasesNamespace() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of());
    RenderedDeploy deploy = RenderedDeploy.render();

    assertThat(kinds(chart)).doesNotContain("Namespace");
    assertSameObjects(chart.documents(), withoutNamespace(deploy));
  }

  @Test
  void everyOptionOnInstallsWhatDeployWithItsMonitoringAndExtrasInstalls() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of(), HelmChart.ALL_FEATURES_VALUES);
    List<JsonNode> deploy = new ArrayList<>(withoutNamespace(RenderedDeploy.render()));
    deploy.addAll(RenderedDeploy.kustomize(Path.of("deploy", "monitoring")).documents());
    deploy.addAll(RenderedDeploy.kustomize(Path.of("deploy", "extras")).documents());

    assertThat(kinds(chart)).contains("ServiceMonitor", "PrometheusRule", "NetworkPolicy", "PodDisruptionBudget");
    assertSameObjects(chart.documents(), deploy);
  }

  @Test
  void createNamespaceMakesDeploysNamespaceWithTheRestrictedPodSecurityStandard() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of("createNamespace", true));

    assertThat(withoutHelmKeys(chart.only("Namespace")))
        .isEqualTo(withoutHelmKeys(RenderedDeploy.render().only("Namespace")));
    assertThat(chart.only("Namespace").path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
        .isEqualTo("keep");
  }

  @Test
  void theChartsCrdsAreTheCommittedCrdsByteForByte() throws IOException {
    Path chartCrds = HelmChart.CHART.resolve("files/crds");
    List<String> committed;
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      committed = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".yml")).sorted()
          .toList();
    }
    List<String> inChart;
    try (Stream<Path> files = Files.list(chartCrds)) {
      inChart = files.map(file -> file.getFileName().toString()).sorted().toList();
    }

    assertThat(inChart).isEqualTo(committed).hasSize(3);
    for (String file : committed) {
      assertThat(Files.readString(chartCrds.resolve(file)))
          .as("%s differs from crds/%s, the generator's output; run: cp crds/*.yml %s/", chartCrds.resolve(file), file,
              chartCrds)
          .isEqualTo(Files.readString(Path.of("crds", file)));
    }
  }

  @Test
  void installCrdsRendersTheCommittedCrdsKeptOnUninstallOrNone() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of());
    List<JsonNode> committed = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yml")).sorted().toList()) {
        committed.add(RenderedDeploy.YAML.readTree(Files.readString(file)));
      }
    }

    assertThat(chart.all("CustomResourceDefinition")).extracting(HelmChartTest::withoutHelmKeys)
        .containsExactlyInAnyOrderElementsOf(committed);
    assertThat(chart.all("CustomResourceDefinition")).allSatisfy(crd -> assertThat(crd.path("metadata")
        .path("annotations").path("helm.sh/resource-policy").asText()).isEqualTo("keep"));
    assertThat(kinds(HelmChart.template(Map.of("installCRDs", false)))).doesNotContain("CustomResourceDefinition");
  }

  @Test
  void eachOptionalObjectHasItsOwnSwitch() throws Exception {
    List<String> defaults = kinds(HelmChart.template(Map.of()));

    assertThat(defaults).doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy", "PodDisruptionBudget");
    for (Map.Entry<String, String> option : Map.of("metrics.serviceMonitor.enabled", "ServiceMonitor",
        "metrics.prometheusRule.enabled", "PrometheusRule", "networkPolicy.enabled", "NetworkPolicy",
        "podDisruptionBudget.enabled", "PodDisruptionBudget").entrySet()) {
      List<String> kinds = new ArrayList<>(kinds(HelmChart.template(Map.of(option.getKey(), true))));
      assertThat(kinds).as(option.getKey()).contains(option.getValue());
      kinds.remove(option.getValue());
      assertThat(kinds).as(option.getKey()).containsExactlyInAnyOrderElementsOf(defaults);
    }
    assertThat(kinds(HelmChart.template(Map.of("metrics.service.enabled", false)))).doesNotContain("Service");
    assertThatThrownBy(() -> HelmChart.template(Map.of("metrics.service.enabled", false,
        "metrics.serviceMonitor.enabled", true))).hasMessageContaining("metrics.service.enabled");
  }

  @Test
  void imageTagDefaultsToTheAppVersionAndADigestPinsIt() throws Exception {
    assertThat(container(HelmChart.template(Map.of())).path("image").asText())
        .isEqualTo("ghcr.io/operators-dev/permission-set-operator:" + chartField("appVersion"));
    JsonNode custom = container(HelmChart.template(Map.of("image.repository", "registry.example.com/pso",
        "image.tag", "1.2.3", "image.digest", "sha256:" + "a".repeat(64), "image.pullPolicy", "Always")));

    assertThat(custom.path("image").asText()).isEqualTo("registry.example.com/pso:1.2.3@sha256:" + "a".repeat(64));
    assertThat(custom.path("imagePullPolicy").asText()).isEqualTo("Always");
  }

  @Test
  void theChartsVersionsAreTheProjectsVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>permission-set-operator</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(version.find()).isTrue();
    String release = version.group(1).replace("-SNAPSHOT", "");

    assertThat(chartField("appVersion")).isEqualTo(release);
    assertThat(chartField("version")).isEqualTo(release);
  }

  private static String chartField(String field) throws IOException {
    return RenderedDeploy.YAML.readTree(HelmChart.CHART.resolve("Chart.yaml").toFile()).path(field).asText();
  }

  @Test
  void scopeSelectorAndSettingsReachTheOperatorsEnvironment() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of("labelSelector", "operators.dev/shard=a",
        "logFormat", "json", "config.PROVISIONING_TIMEOUT", "1h", "config.CLOUD_RATE_LIMIT", "10"),
        HelmChart.NAMESPACED_VALUES);
    Map<String, String> env = environment(chart);

    assertThat(env).containsEntry("WATCH_NAMESPACES", "platform,team-b")
        .containsEntry("RESOURCE_LABEL_SELECTOR", "operators.dev/shard=a")
        .containsEntry("LOG_FORMAT", "json")
        .containsEntry("PROVISIONING_TIMEOUT", "1h")
        .containsEntry("CLOUD_RATE_LIMIT", "10");
  }

  @Test
  void eachReleaseHasItsOwnNamesAndLeaseSoThatShardsDoNotMeet() throws Exception {
    RenderedDeploy shard = RenderedDeploy.of(HelmChart.helm().template().withName("shard-a")
        .withNamespace("operators").set("labelSelector", "operators.dev/shard=a").call());

    assertThat(shard.deployment().path("metadata").path("name").asText())
        .isEqualTo("shard-a-permission-set-operator");
    assertThat(environment(shard)).containsEntry("LEADER_ELECTION_LEASE_NAME", "shard-a-permission-set-operator");
    assertThat(shard.operatorNamespace()).isEqualTo("operators");
    assertThat(shard.deployment().path("spec").path("selector").path("matchLabels")
        .path("app.kubernetes.io/instance").asText()).isEqualTo("shard-a");
  }

  @Test
  void oneReplicaMayRunWithoutLeaderElectionButTwoMayNot() throws Exception {
    RenderedDeploy single = HelmChart.template(Map.of("replicas", 1, "leaderElection.enabled", false));

    assertThat(single.deployment().path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(environment(single)).containsEntry("LEADER_ELECTION", "false");
    assertThat(single.grants()).noneMatch(grant -> grant.resource().equals("leases"));
    assertThatThrownBy(() -> HelmChart.template(Map.of("leaderElection.enabled", false)))
        .hasMessageContaining("leaderElection.enabled");
  }

  @Test
  void resourcesAndHeapAreValues() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of("resources.limits.memory", "1Gi",
        "resources.requests.memory", "768Mi", "jvm.maxRAMPercentage", 60));

    assertThat(container(chart).path("resources").path("limits").path("memory").asText()).isEqualTo("1Gi");
    assertThat(container(chart).path("resources").path("requests").path("memory").asText()).isEqualTo("768Mi");
    assertThat(environment(chart).get("JAVA_TOOL_OPTIONS")).startsWith("-XX:MaxRAMPercentage=60 ");
  }

  @Test
  void theServiceAccountTakesAnnotationsForCloudIdentities() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of("serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn",
        "arn:aws:iam::111122223333:role/permission-set-operator"));

    assertThat(chart.only("ServiceAccount").path("metadata").path("annotations").path("eks.amazonaws.com/role-arn")
        .asText()).isEqualTo("arn:aws:iam::111122223333:role/permission-set-operator");
  }
}
