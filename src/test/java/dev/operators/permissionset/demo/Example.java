package dev.operators.permissionset.demo;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningStatus;
import dev.operators.permissionset.api.v1alpha1.ProvisioningTrigger;
import io.fabric8.kubernetes.api.model.Condition;
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
 * A PermissionSetProvisioning from {@code examples/} with the outcome its annotation promises, and what it promises
 * once its permission set changed in the cloud, when it says. The demo applies every example and checks each against
 * its promises.
 *
 * @param afterTouch what a Ready example promises once the demo touched its permission set; empty when it promises
 *     nothing, and then the demo does not touch its permission set for it
 */
public record Example(Path file, PermissionSetProvisioning resource, Expected expected,
    Optional<AfterTouch> afterTouch) {

  public static final String EXPECTED_ANNOTATION = "demo.identitycenter.operators.dev/expected";
  public static final String AFTER_TOUCH_ANNOTATION = "demo.identitycenter.operators.dev/after-touch";
  /** The condition that says whether the target holds the latest version of the permission set. */
  public static final String UP_TO_DATE = "UpToDate";
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

  /**
   * What a provisioned example promises once its permission set changed after it was provisioned: reported out of
   * date and left so (reprovisionPolicy Manual), or provisioned again for that change and up to date (Automatic).
   */
  public enum AfterTouch {
    OUT_OF_DATE("OutOfDate"),
    REPAIRED("Repaired");

    private final String label;

    AfterTouch(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    static AfterTouch parse(Path file, String value) {
      for (AfterTouch afterTouch : values()) {
        if (afterTouch.label.equalsIgnoreCase(value)) {
          return afterTouch;
        }
      }
      throw new IllegalArgumentException(file + ": annotation " + AFTER_TOUCH_ANNOTATION + " must be OutOfDate or "
          + "Repaired, not '" + value + "'");
    }

    /** Whether the status shows this outcome of the touch: still Ready, and UpToDate as promised. */
    public boolean reachedBy(PermissionSetProvisioning resource) {
      if (!Expected.READY.reachedBy(resource)) {
        return false;
      }
      PermissionSetProvisioningStatus status = resource.getStatus();
      Optional<Condition> upToDate = status.condition(UP_TO_DATE);
      return switch (this) {
        case OUT_OF_DATE -> upToDate.filter(c -> "False".equals(c.getStatus())
            && "PermissionSetChanged".equals(c.getReason())).isPresent()
            && status.getRequestTrigger() == ProvisioningTrigger.Spec;
        case REPAIRED -> upToDate.filter(c -> "True".equals(c.getStatus())).isPresent()
            && status.getRequestTrigger() == ProvisioningTrigger.Drift;
      };
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
        Expected expected = Expected.parse(document.file(), value);
        Optional<AfterTouch> afterTouch = Optional.ofNullable(resource.getMetadata().getAnnotations()
            .get(AFTER_TOUCH_ANNOTATION)).map(touch -> AfterTouch.parse(document.file(), touch));
        if (afterTouch.isPresent() && expected != Expected.READY) {
          throw new IllegalArgumentException(document.file() + ": annotation " + AFTER_TOUCH_ANNOTATION
              + " is for examples that expect Ready");
        }
        examples.add(new Example(document.file(), resource, expected, afterTouch));
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
