package dev.operators.permissionset.demo;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A PermissionSetProvisioning from {@code examples/} with the outcome its annotation promises. The demo applies
 * every example and checks each against its promise.
 */
public record Example(Path file, PermissionSetProvisioning resource, Expected expected) {

  public static final String EXPECTED_ANNOTATION = "demo.identitycenter.operators.dev/expected";
  /**
   * The subfolders whose files the demo applies with the folder's own: one a cloud besides the folder's. Others,
   * such as {@code argocd/}, hold what the demo does not apply.
   */
  public static final List<String> CLOUD_FOLDERS = List.of("aws");

  /** What an example promises: provisioned, failed by the cloud with a reason, or stalled on bad input. */
  public enum Expected {
    READY,
    FAILED,
    STALLED;

    static Expected parse(Path file, String value) {
      for (Expected expected : values()) {
        if (expected.name().equalsIgnoreCase(value)) {
          return expected;
        }
      }
      throw new IllegalArgumentException(file + ": annotation " + EXPECTED_ANNOTATION + " must be Ready, Failed or "
          + "Stalled, not '" + value + "'");
    }

    /** Whether the status shows this outcome for the resource's current generation. */
    public boolean reachedBy(PermissionSetProvisioning resource) {
      PermissionSetProvisioningStatus status = resource.getStatus();
      if (status == null || !resource.getMetadata().getGeneration().equals(status.getObservedGeneration())) {
        return false;
      }
      return switch (this) {
        case READY -> isTrue(status, "Ready");
        case FAILED -> isTrue(status, "Stalled") && "FAILED".equals(status.getProvisioningStatus())
            && status.getFailureReason() != null;
        case STALLED -> isTrue(status, "Stalled") && !"FAILED".equals(status.getProvisioningStatus());
      };
    }

    private static boolean isTrue(PermissionSetProvisioningStatus status, String type) {
      return status.condition(type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }
  }

  private record Document(Path file, HasMetadata object) {
  }

  /** The examples in the folder, each with its promise. */
  public static List<Example> examples(Path folder, KubernetesSerialization serialization) throws IOException {
    List<Example> examples = new ArrayList<>();
    for (Document document : documents(folder, serialization)) {
      if (document.object() instanceof PermissionSetProvisioning resource) {
        String value = Optional.ofNullable(resource.getMetadata().getAnnotations())
            .map(a -> a.get(EXPECTED_ANNOTATION))
            .orElseThrow(() -> new IllegalArgumentException(document.file() + " has no annotation "
                + EXPECTED_ANNOTATION));
        examples.add(new Example(document.file(), resource, Expected.parse(document.file(), value)));
      }
    }
    return examples;
  }

  /** Every object of the folder and of its {@link #CLOUD_FOLDERS}, in the order they are applied. */
  public static List<HasMetadata> objects(Path folder, KubernetesSerialization serialization) throws IOException {
    return documents(folder, serialization).stream().map(Document::object).toList();
  }

  /**
   * Applies every object of the folder and of its {@link #CLOUD_FOLDERS}, each as {@code adapt} makes it: the namespace, Secrets and connections first,
   * so that no example waits for a connection still to come.
   */
  public static void applyAll(Path folder, KubernetesClient client, UnaryOperator<HasMetadata> adapt)
      throws IOException {
    List<Document> documents = documents(folder, client.getKubernetesSerialization());
    documents.stream().map(Document::object).filter(o -> !(o instanceof PermissionSetProvisioning))
        .map(adapt).map(Example::asApiServerStores)
        .forEach(o -> client.resource(o).create());
    documents.stream().map(Document::object).filter(o -> o instanceof PermissionSetProvisioning)
        .forEach(o -> client.resource(o).create());
  }

  /** A real API server folds a Secret's write-only stringData into data; the mock server does not. */
  private static HasMetadata asApiServerStores(HasMetadata object) {
    if (object instanceof Secret secret && secret.getStringData() != null) {
      Map<String, String> data = new HashMap<>(secret.getData() == null ? Map.of() : secret.getData());
      secret.getStringData().forEach((key, value) ->
          data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
      return new SecretBuilder(secret).withData(data).withStringData(null).build();
    }
    return object;
  }

  private static List<Document> documents(Path folder, KubernetesSerialization serialization) throws IOException {
    serialization.registerKubernetesResource(PermissionSetProvisioning.class);
    serialization.registerKubernetesResource(IdentityCenterConnection.class);
    serialization.registerKubernetesResource(ClusterIdentityCenterConnection.class);
    List<Document> documents = new ArrayList<>();
    List<Path> folders = new ArrayList<>(List.of(folder));
    CLOUD_FOLDERS.stream().map(folder::resolve).filter(Files::isDirectory).forEach(folders::add);
    for (Path each : folders) {
      try (Stream<Path> files = Files.list(each)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          Object parsed = serialization.unmarshal(Files.readString(file));
          List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
          objects.forEach(object -> documents.add(new Document(file, (HasMetadata) object)));
        }
      }
    }
    return documents;
  }
}
