package dev.operators.permissionset.runtime;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.SecretCredentials;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Before the watches start: one list call (of one item) for each kind the operator watches, in the namespaces it
 * watches them in, so that a missing CRD, a missing RBAC grant or an unreachable API server ends the start with one
 * line that says which and how to fix it, instead of the informers' stack traces.
 */
public final class StartupChecks {

  private static final String CRD_FIX = "install the CRDs with kubectl apply -k crds/ (or the Helm chart with its "
      + "CRDs) from the release of this operator, then start it again";
  private static final String RBAC_FIX = "grant the operator's service account the rules of deploy/rbac.yaml "
      + "(kubectl apply -k deploy/, or the Helm chart)";

  /** One list call: what it reads, and how. */
  private record Check(String what, Optional<Class<? extends HasMetadata>> customResource, Runnable list) {
  }

  private StartupChecks() {
  }

  /** @throws StartupException naming what is missing, forbidden or unreachable */
  public static void verify(KubernetesClient kubernetes, OperatorConfig config) {
    Set<String> missingCrds = new LinkedHashSet<>();
    for (Check check : checks(kubernetes, config)) {
      if (!missingCrds.isEmpty() && check.customResource().isEmpty()) {
        break;
      }
      try {
        check.list().run();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404 && check.customResource().isPresent()) {
          missingCrds.add(HasMetadata.getFullResourceName(check.customResource().get()));
        } else {
          throw new StartupException(explain(kubernetes, check, e));
        }
      }
    }
    if (!missingCrds.isEmpty()) {
      throw new StartupException("the Kubernetes API at " + kubernetes.getMasterUrl() + " has no "
          + (missingCrds.size() == 1 ? "CRD " : "CRDs ") + String.join(", ", missingCrds) + " (version "
          + HasMetadata.getVersion(PermissionSetProvisioning.class) + "): " + CRD_FIX);
    }
  }

  private static List<Check> checks(KubernetesClient kubernetes, OperatorConfig config) {
    String credentials = SecretCredentials.LABEL + "=" + SecretCredentials.LABEL_VALUE;
    List<Optional<String>> watched = watched(config);
    List<Check> checks = new ArrayList<>();
    // the CRDs first, so that all missing ones are named together
    for (Optional<String> namespace : watched) {
      checks.add(new Check("list permissionsetprovisionings" + where(namespace),
          Optional.of(PermissionSetProvisioning.class),
          listOne(kubernetes, PermissionSetProvisioning.class, namespace, null)));
      checks.add(new Check("list identitycenterconnections" + where(namespace),
          Optional.of(IdentityCenterConnection.class),
          listOne(kubernetes, IdentityCenterConnection.class, namespace, null)));
    }
    checks.add(new Check("list clusteridentitycenterconnections",
        Optional.of(ClusterIdentityCenterConnection.class),
        listOne(kubernetes, ClusterIdentityCenterConnection.class, Optional.empty(), null)));
    for (Optional<String> namespace : watched) {
      checks.add(new Check("list secrets labelled " + credentials + where(namespace), Optional.empty(),
          listOne(kubernetes, Secret.class, namespace, credentials)));
    }
    String operatorNamespace = PermissionSetOperator.operatorNamespace(kubernetes, config);
    checks.add(new Check("list secrets labelled " + credentials + " in namespace " + operatorNamespace,
        Optional.empty(), listOne(kubernetes, Secret.class, Optional.of(operatorNamespace), credentials)));
    checks.add(new Check("list namespaces", Optional.empty(),
        listOne(kubernetes, Namespace.class, Optional.empty(), null)));
    return checks;
  }

  /** Lists at most one object, as a watch's first list does; an empty namespace: all, or a cluster-scoped kind. */
  private static <T extends HasMetadata> Runnable listOne(KubernetesClient kubernetes, Class<T> kind,
      Optional<String> namespace, String labelSelector) {
    ListOptions one = new ListOptionsBuilder().withLimit(1L).withLabelSelector(labelSelector).build();
    return () -> {
      if (namespace.isPresent()) {
        kubernetes.resources(kind).inNamespace(namespace.get()).list(one);
      } else {
        kubernetes.resources(kind).inAnyNamespace().list(one);
      }
    };
  }

  private static String where(Optional<String> namespace) {
    return namespace.map(name -> " in namespace " + name).orElse(" in all namespaces");
  }

  /** The namespaces watched, each on its own; one empty for all namespaces. */
  private static List<Optional<String>> watched(OperatorConfig config) {
    return config.watchNamespaces().isEmpty() ? List.of(Optional.empty())
        : config.watchNamespaces().stream().sorted().map(Optional::of).toList();
  }

  private static String explain(KubernetesClient kubernetes, Check check, KubernetesClientException failure) {
    String api = "the Kubernetes API at " + kubernetes.getMasterUrl();
    return switch (failure.getCode()) {
      case 401 -> api + " does not accept the operator's credentials (HTTP 401) to " + check.what() + ": check the "
          + "kubeconfig's user and its token or certificate, or, in a cluster, the pod's service account token";
      case 403 -> api + " forbids the operator to " + check.what() + " (HTTP 403: " + statusMessage(failure) + "): "
          + RBAC_FIX;
      default -> unreachable(failure).map(cause -> "cannot reach " + api + " (" + cause + "): check the "
              + "kubeconfig's server and the network between them (in a cluster: a NetworkPolicy may block egress to "
              + "the API server)")
          .orElseGet(() -> api + " failed to " + check.what() + " (HTTP " + failure.getCode() + ": "
              + statusMessage(failure) + ")");
    };
  }

  private static String statusMessage(KubernetesClientException failure) {
    return failure.getStatus() != null && failure.getStatus().getMessage() != null
        ? failure.getStatus().getMessage() : String.valueOf(failure.getMessage());
  }

  /** The network failure under the client's exception, when no answer came. */
  private static Optional<String> unreachable(KubernetesClientException failure) {
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        return Optional.of(root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": "
            + root.getMessage()));
      }
    }
    return Optional.empty();
  }
}
