package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.operators.permissionset.testing.KubernetesTestServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Walks the README's Install section as a new user would, on the mock Kubernetes API (no operator runs, so a
 * {@code kubectl wait} only checks that what it waits for was created): each kubectl command of its sh blocks, in
 * order; every file or kustomization it names exists and parses as Kubernetes objects; every namespaced object goes
 * to a namespace an earlier step created; and the objects are applied to the API in the README's order. The steps
 * must end with a connection and a resource that uses it.
 */
class ReadmeInstallTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole",
      "ClusterRoleBinding", "ClusterIdentityCenterConnection");
  /** The short names and kinds the commands use, as kubectl resolves them. */
  private static final Map<String, String> KINDS = Map.of("cicconn", "ClusterIdentityCenterConnection",
      "icconn", "IdentityCenterConnection", "psprov", "PermissionSetProvisioning", "deploy", "Deployment",
      "secret", "Secret");

  /** What the walk has created so far: kind/namespace/name, in order. */
  private final Map<String, JsonNode> created = new LinkedHashMap<>();

  static String installSection() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("\n## Install\n");
    assertThat(start).as("README.md has an Install section").isPositive();
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** The kubectl commands of the section's sh blocks, in order: continuations joined, && split, comments dropped. */
  static List<List<String>> commands(String section) {
    List<List<String>> commands = new ArrayList<>();
    Matcher block = SH_BLOCK.matcher(section);
    while (block.find()) {
      String joined = block.group(1).replaceAll("\\\\\\n\\s*", " ");
      for (String line : joined.split("\\n")) {
        String code = line.strip();
        if (code.isEmpty() || code.startsWith("#")) {
          continue;
        }
        for (String command : code.split("&&")) {
          List<String> words = List.of(command.strip().split("\\s+"));
          if (words.get(0).equals("kubectl")) {
            commands.add(words);
          }
        }
      }
    }
    return commands;
  }

  @Test
  void theInstallStepsWorkInTheirOrderOnAFreshApi() throws Exception {
    List<List<String>> commands = commands(installSection());
    assertThat(commands).as("kubectl commands in the Install section").hasSizeGreaterThan(5);

    try (KubernetesTestServer kubernetes = KubernetesTestServer.start()) {
      for (List<String> command : commands) {
        run(kubernetes.client(), command);
      }

      List<GenericKubernetesResource> provisionings = kubernetes.client()
          .genericKubernetesResources("identitycenter.operators.dev/v1alpha1", "PermissionSetProvisioning")
          .inAnyNamespace().list().getItems();
      assertThat(provisionings).as("the steps end with a PermissionSetProvisioning").isNotEmpty();
      GenericKubernetesResource connection = kubernetes.client()
          .genericKubernetesResources("identitycenter.operators.dev/v1alpha1", "ClusterIdentityCenterConnection")
          .withName("default").get();
      assertThat(connection).as("the default connection, which resources without connectionRef use").isNotNull();
      String operatorNamespace = only("Deployment").path("metadata").path("namespace").asText();
      String secretName = YAML.valueToTree(connection.getAdditionalProperties().get("spec")).path("huaweiCloud")
          .path("credentialsSecretRef").path("name").asText();
      assertThat(kubernetes.client().secrets().inNamespace(operatorNamespace).withName(secretName).get())
          .as("the cluster connection's Secret, in the operator's namespace").isNotNull()
          .satisfies(secret -> assertThat(secret.getMetadata().getLabels())
              .containsEntry("identitycenter.operators.dev/credentials", "true"));
      JsonNode allowed = YAML.valueToTree(connection.getAdditionalProperties().get("spec")).path("allowedNamespaces")
          .path("names");
      assertThat(provisionings).allSatisfy(resource -> assertThat(allowed.toString())
          .as("the connection admits the namespace of %s", resource.getMetadata().getName())
          .contains("\"" + resource.getMetadata().getNamespace() + "\""));
    }
  }

  private JsonNode only(String kind) {
    List<JsonNode> matching = created.entrySet().stream().filter(entry -> entry.getKey().startsWith(kind + "/"))
        .map(Map.Entry::getValue).toList();
    assertThat(matching).as(kind).hasSize(1);
    return matching.get(0);
  }

  private void run(KubernetesClient kubernetes, List<String> command) throws IOException {
    List<String> words = new ArrayList<>(command.subList(1, command.size()));
    Optional<String> namespace = flag(words, "-n", "--namespace");
    String verb = words.remove(0);
    switch (verb) {
      case "apply" -> {
        Optional<String> kustomization = flag(words, "-k", "--kustomize");
        List<JsonNode> objects = new ArrayList<>();
        if (kustomization.isPresent()) {
          objects.addAll(kustomize(Path.of(kustomization.get()), command));
        }
        for (Optional<String> file = flag(words, "-f", "--filename"); file.isPresent();
            file = flag(words, "-f", "--filename")) {
          objects.addAll(parse(Path.of(file.get()), command));
        }
        assertThat(objects).as("%s applies something", command).isNotEmpty();
        for (JsonNode object : objects) {
          apply(kubernetes, object, namespace, command);
        }
      }
      case "create" -> {
        assertThat(words.subList(0, 2)).as(String.join(" ", command)).containsExactly("secret", "generic");
        String name = words.get(2);
        Map<String, String> data = new LinkedHashMap<>();
        words.stream().filter(word -> word.startsWith("--from-literal=")).map(word -> word.substring(15).split("=", 2))
            .forEach(pair -> data.put(pair[0], pair[1]));
        JsonNode secret = YAML.valueToTree(Map.of("apiVersion", "v1", "kind", "Secret",
            "metadata", Map.of("name", name), "type", "Opaque", "stringData", data));
        apply(kubernetes, secret, namespace, command);
      }
      case "label" -> {
        String key = key(KINDS.getOrDefault(words.get(0), words.get(0)), namespace, words.get(1));
        assertThat(created).as("%s labels what an earlier step created", command).containsKey(key);
        GenericKubernetesResource resource = kubernetes.genericKubernetesResources("v1", "Secret")
            .inNamespace(namespace.orElseThrow()).withName(words.get(1)).get();
        String[] label = words.get(2).split("=", 2);
        resource.getMetadata().getLabels().put(label[0], label[1]);
        kubernetes.resource(resource).update();
      }
      case "wait", "rollout" -> {
        String target = words.stream().filter(word -> word.contains("/") && !word.startsWith("--")).findFirst()
            .orElseThrow(() -> new AssertionError("no KIND/NAME in " + command));
        String[] kindAndName = target.split("/", 2);
        String kind = KINDS.getOrDefault(kindAndName[0], kindAndName[0]);
        Optional<String> where = CLUSTER_SCOPED.contains(kind) ? Optional.empty() : namespace;
        assertThat(created).as("%s waits for what an earlier step created", String.join(" ", command))
            .containsKey(key(kind, where, kindAndName[1]));
      }
      default -> fail("the walk does not know the command " + String.join(" ", command));
    }
  }

  private void apply(KubernetesClient kubernetes, JsonNode object, Optional<String> namespaceFlag,
      List<String> command) {
    String kind = object.path("kind").asText();
    String name = object.path("metadata").path("name").asText();
    Optional<String> namespace = Optional.empty();
    if (!CLUSTER_SCOPED.contains(kind)) {
      namespace = Optional.of(object.path("metadata").path("namespace").asText()).filter(ns -> !ns.isEmpty())
          .or(() -> namespaceFlag);
      assertThat(namespace).as("%s %s of `%s` names its namespace", kind, name, String.join(" ", command))
          .isPresent();
      assertThat(created).as("namespace %s exists before `%s` puts %s %s in it", namespace.get(),
          String.join(" ", command), kind, name).containsKey(key("Namespace", Optional.empty(), namespace.get()));
    }
    GenericKubernetesResource resource = YAML.convertValue(object, GenericKubernetesResource.class);
    namespace.ifPresent(resource.getMetadata()::setNamespace);
    kubernetes.resource(resource).createOr(NonDeletingOperation::update);
    created.put(key(kind, namespace, name), YAML.valueToTree(resource));
  }

  private static String key(String kind, Optional<String> namespace, String name) {
    return kind + "/" + namespace.orElse("") + "/" + name;
  }

  /** The value of the first of these flags, removed from the words with it. */
  private static Optional<String> flag(List<String> words, String... names) {
    for (Iterator<String> iterator = words.iterator(); iterator.hasNext(); ) {
      String word = iterator.next();
      for (String name : names) {
        if (word.equals(name)) {
          iterator.remove();
          String value = iterator.next();
          iterator.remove();
          return Optional.of(value);
        }
        if (word.startsWith(name + "=")) {
          iterator.remove();
          return Optional.of(word.substring(name.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  /** A kustomization's resources, files and kustomizations, depth first as kustomize orders them. */
  private static List<JsonNode> kustomize(Path directory, List<String> command) throws IOException {
    Path file = directory.resolve("kustomization.yaml");
    assertThat(file).as("`%s` names a kustomization", String.join(" ", command)).isRegularFile();
    List<JsonNode> objects = new ArrayList<>();
    for (JsonNode resource : YAML.readTree(file.toFile()).path("resources")) {
      Path path = directory.resolve(resource.asText()).normalize();
      objects.addAll(Files.isDirectory(path) ? kustomize(path, command) : parse(path, command));
    }
    return objects;
  }

  private static List<JsonNode> parse(Path file, List<String> command) throws IOException {
    assertThat(file).as("`%s` names a file that exists", String.join(" ", command)).isRegularFile();
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isEmpty()) {
          continue;
        }
        assertThat(document.path("apiVersion").asText()).as("apiVersion of a document in %s", file).isNotEmpty();
        assertThat(document.path("kind").asText()).as("kind of a document in %s", file).isNotEmpty()
            .isNotEqualTo("Kustomization");
        assertThat(document.path("metadata").path("name").asText()).as("name of a document in %s", file)
            .isNotEmpty();
        objects.add(document);
      }
    }
    return objects;
  }
}
