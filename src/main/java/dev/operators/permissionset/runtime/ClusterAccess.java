package dev.operators.permissionset.runtime;

import io.fabric8.kubernetes.client.Config;
import java.util.Map;

/**
 * Where the operator finds its Kubernetes API, as the Fabric8 client looks for it: a kubeconfig file, an explicit
 * server, or the service account of the pod it runs in. Without any of them the client would try
 * https://kubernetes.default.svc for half a minute and fail with a stack trace; this says so in one line at once.
 */
public final class ClusterAccess {

  static final String KUBERNETES_MASTER = "KUBERNETES_MASTER";

  private ClusterAccess() {
  }

  /**
   * The client configuration.
   *
   * @param env the process environment
   * @throws StartupException when there is no kubeconfig, no explicit server and no cluster around the process
   */
  public static Config locate(Map<String, String> env) {
    Config config = Config.autoConfigure(null);
    requireSource(config, env, System.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY));
    return config;
  }

  static void requireSource(Config config, Map<String, String> env, String masterProperty) {
    boolean kubeconfig = config.getFile() != null;
    boolean inCluster = present(env.get(Config.KUBERNETES_SERVICE_HOST_PROPERTY));
    boolean explicitServer = present(env.get(KUBERNETES_MASTER)) || present(masterProperty);
    if (!kubeconfig && !inCluster && !explicitServer) {
      throw new StartupException("no kubeconfig (" + lookedAt(env) + ") and not running in a cluster ("
          + Config.KUBERNETES_SERVICE_HOST_PROPERTY + " unset): point KUBECONFIG at a kubeconfig whose current "
          + "context reaches the cluster, or run the operator in it (kubectl apply -k deploy/)");
    }
  }

  private static String lookedAt(Map<String, String> env) {
    String files = String.join(", ", Config.getKubeconfigFilenames());
    return present(env.get("KUBECONFIG")) ? "KUBECONFIG names " + files + ": no such file"
        : "KUBECONFIG unset, no " + files;
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
