package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * Manifests as they would be applied: deploy/ as {@code kubectl kustomize deploy/} renders it, or the Helm chart as
 * {@code helm template} does; and the RBAC they grant the operator's account.
 */
final class RenderedDeploy {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * One permission.
   *
   * @param namespace where it holds; empty for a ClusterRole's, which hold in every namespace and cluster-wide
   */
  record Grant(String verb, String apiGroup, String resource, Optional<String> namespace) {

    boolean allows(String verb, String apiGroup, String resource, Optional<String> namespace) {
      return this.verb.equals(verb) && this.apiGroup.equals(apiGroup) && this.resource.equals(resource)
          && (this.namespace.isEmpty() || this.namespace.equals(namespace));
    }

    @Override
    public String toString() {
      return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource
          + namespace.map(ns -> " in " + ns).orElse(" (cluster role)");
    }
  }

  private final List<JsonNode> documents;

  private RenderedDeploy(List<JsonNode> documents) {
    this.documents = documents;
  }

  static RenderedDeploy render() throws IOException, InterruptedException {
    return kustomize(Path.of("deploy"));
  }

  /**
   * A kustomization as {@code kubectl kustomize} renders it. Without kubectl the test is skipped with the reason,
   * except on CI (CI=true), where a missing kubectl is a broken build.
   */
  static RenderedDeploy kustomize(Path directory) throws IOException, InterruptedException {
    Process kubectl;
    try {
      kubectl = new ProcessBuilder("kubectl", "kustomize", directory.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      String reason = "kubectl is not installed (" + e.getMessage() + "); it renders " + directory
          + " with kubectl kustomize";
      assertThat(System.getenv("CI")).as(reason).isNotEqualTo("true");
      Assumptions.abort(reason);
      throw e;
    }
    String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kubectl.exitValue()).as(output).isZero();
    return new RenderedDeploy(parse(output));
  }

  /** Rendered manifests, as {@code kubectl kustomize} or {@code helm template} print them. */
  static RenderedDeploy of(String yaml) throws IOException {
    return new RenderedDeploy(parse(yaml));
  }

  private static List<JsonNode> parse(String yaml) throws IOException {
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

  List<JsonNode> documents() {
    return documents;
  }

  List<JsonNode> all(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  JsonNode only(String kind) {
    List<JsonNode> matching = all(kind);
    assertThat(matching).as(kind).hasSize(1);
    return matching.get(0);
  }

  JsonNode deployment() {
    return only("Deployment");
  }

  String operatorNamespace() {
    return deployment().path("metadata").path("namespace").asText();
  }

  /** The namespaces the operator is told to watch (WATCH_NAMESPACES); empty for all. */
  List<String> watchNamespaces() {
    JsonNode container = deployment().path("spec").path("template").path("spec").path("containers").get(0);
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .filter(variable -> variable.path("name").asText().equals("WATCH_NAMESPACES"))
        .flatMap(variable -> Arrays.stream(variable.path("value").asText().split(",")))
        .map(String::trim)
        .filter(namespace -> !namespace.isEmpty())
        .toList();
  }

  static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** Every permission the Deployment's service account holds through the rendered bindings. */
  Set<Grant> grants() {
    String account = deployment().path("spec").path("template").path("spec").path("serviceAccountName").asText();
    String accountNamespace = operatorNamespace();
    Set<Grant> grants = new HashSet<>();
    for (JsonNode binding : all("ClusterRoleBinding")) {
      if (binds(binding, account, accountNamespace)) {
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("ClusterRole");
        grants.addAll(rules(role("ClusterRole", binding.path("roleRef").path("name").asText(), null),
            Optional.empty()));
      }
    }
    for (JsonNode binding : all("RoleBinding")) {
      if (binds(binding, account, accountNamespace)) {
        String namespace = binding.path("metadata").path("namespace").asText();
        assertThat(binding.path("roleRef").path("kind").asText()).as("a RoleBinding to a ClusterRole")
            .isEqualTo("Role");
        grants.addAll(rules(role("Role", binding.path("roleRef").path("name").asText(), namespace),
            Optional.of(namespace)));
      }
    }
    return grants;
  }

  private static boolean binds(JsonNode binding, String account, String namespace) {
    return StreamSupport.stream(binding.path("subjects").spliterator(), false).anyMatch(subject ->
        "ServiceAccount".equals(subject.path("kind").asText()) && account.equals(subject.path("name").asText())
            && namespace.equals(subject.path("namespace").asText()));
  }

  private JsonNode role(String kind, String name, String namespace) {
    List<JsonNode> roles = all(kind).stream()
        .filter(r -> name.equals(r.path("metadata").path("name").asText()))
        .filter(r -> namespace == null || namespace.equals(r.path("metadata").path("namespace").asText()))
        .toList();
    assertThat(roles).as(kind + " " + name).hasSize(1);
    return roles.get(0);
  }

  private static Set<Grant> rules(JsonNode role, Optional<String> namespace) {
    Set<Grant> grants = new HashSet<>();
    for (JsonNode rule : role.path("rules")) {
      assertThat(rule.has("nonResourceURLs")).as("non-resource URLs in " + rule).isFalse();
      for (String group : texts(rule.path("apiGroups"))) {
        for (String resource : texts(rule.path("resources"))) {
          for (String verb : texts(rule.path("verbs"))) {
            assertThat(List.of(group, resource, verb)).as("no wildcards: " + rule).doesNotContain("*");
            grants.add(new Grant(verb, group, resource, namespace));
          }
        }
      }
    }
    return grants;
  }

  static String describe(Set<?> items) {
    return items.stream().map(Object::toString).sorted().collect(Collectors.joining("\n  ", "\n  ", ""));
  }
}
