package dev.operators.permissionset.testing;

import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.AwsConnection;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.connection.SecretCredentials;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connections and their credentials Secrets in the mock Kubernetes API, as a cluster admin or a team would create
 * them: tests get the default cluster connection in one line, and build others from the same parts.
 */
public final class TestConnections {

  /** The operator's namespace in tests (POD_NAMESPACE), where the Secrets of cluster connections are. */
  public static final String OPERATOR_NAMESPACE = "permission-set-operator";
  /** The ClusterIdentityCenterConnection that resources naming no connection use. */
  public static final ConnectionKey DEFAULT = ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME);
  /** The Secret of the default connection, in {@link #OPERATOR_NAMESPACE}. */
  public static final String DEFAULT_SECRET = "identity-center";
  /** The namespaces tests put their resources in: the default connection of the start helpers admits them. */
  public static final List<String> TEST_NAMESPACES = List.of(DemoWorld.NAMESPACE, "fuzz", "chaos", "benchmark",
      "team-a", "team-b");

  private static final Duration TIMEOUT = AwaitStatus.TIMEOUT;

  private TestConnections() {
  }

  /**
   * Creates, or replaces, the credentials Secret {@value #DEFAULT_SECRET} in {@link #OPERATOR_NAMESPACE} and the
   * ClusterIdentityCenterConnection {@code default} that reads it, reaching {@code endpoint} (plain http allowed
   * when the endpoint is http) and admitting {@code namespaces}.
   */
  public static ClusterIdentityCenterConnection defaultFor(KubernetesClient kubernetes, URI endpoint,
      CloudCredentials credentials, List<String> namespaces) {
    secret(kubernetes, OPERATOR_NAMESPACE, DEFAULT_SECRET, credentials);
    return cluster(kubernetes, ConnectionKey.DEFAULT_NAME, huaweiCloud(endpoint, DEFAULT_SECRET, credentials),
        namespaces);
  }

  /** As {@link #defaultFor}, unless a ClusterIdentityCenterConnection {@code default} exists already. */
  public static void defaultUnlessPresent(KubernetesClient kubernetes, URI endpoint, CloudCredentials credentials,
      List<String> namespaces) {
    if (kubernetes.resources(ClusterIdentityCenterConnection.class).withName(ConnectionKey.DEFAULT_NAME).get()
        == null) {
      defaultFor(kubernetes, endpoint, credentials, namespaces);
    }
  }

  /** Creates or replaces a ClusterIdentityCenterConnection admitting {@code namespaces} by name. */
  public static ClusterIdentityCenterConnection cluster(KubernetesClient kubernetes, String name,
      HuaweiCloudConnection huaweiCloud, List<String> namespaces) {
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    spec.setHuaweiCloud(huaweiCloud);
    return cluster(kubernetes, name, spec, namespaces);
  }

  /**
   * Creates or replaces the credentials Secret {@code name} in {@link #OPERATOR_NAMESPACE} and a
   * ClusterIdentityCenterConnection {@code name} that reaches AWS at {@code endpoint} (plain http allowed when it is
   * http) in {@code region} with it, admitting {@code namespaces}.
   */
  public static ClusterIdentityCenterConnection awsFor(KubernetesClient kubernetes, String name, URI endpoint,
      String region, CloudCredentials credentials, List<String> namespaces) {
    secret(kubernetes, OPERATOR_NAMESPACE, name, credentials);
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    spec.setAws(aws(endpoint, region, name));
    return cluster(kubernetes, name, spec, namespaces);
  }

  /** The aws block of a connection: the endpoint (plain http allowed when it is http), the region and the Secret. */
  public static AwsConnection aws(URI endpoint, String region, String secretName) {
    AwsConnection aws = new AwsConnection();
    aws.setRegion(region);
    aws.setEndpoint(endpoint.toString());
    if ("http".equalsIgnoreCase(endpoint.getScheme())) {
      aws.setAllowInsecureHttp(true);
    }
    aws.setCredentialsSecretRef(new SecretReference(secretName));
    return aws;
  }

  /** Creates or replaces a ClusterIdentityCenterConnection with the spec's cloud block, admitting {@code namespaces}. */
  public static ClusterIdentityCenterConnection cluster(KubernetesClient kubernetes, String name,
      IdentityCenterConnectionSpec spec, List<String> namespaces) {
    ClusterIdentityCenterConnection connection = new ClusterIdentityCenterConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName(name).build());
    AllowedNamespaces allowed = new AllowedNamespaces();
    allowed.setNames(List.copyOf(namespaces));
    spec.setAllowedNamespaces(allowed);
    connection.setSpec(spec);
    return createOrUpdateSpec(kubernetes, connection);
  }

  /** Creates or replaces an IdentityCenterConnection with its credentials Secret of the same name beside it. */
  public static IdentityCenterConnection namespaced(KubernetesClient kubernetes, String namespace, String name,
      URI endpoint, CloudCredentials credentials) {
    secret(kubernetes, namespace, name, credentials);
    return namespaced(kubernetes, namespace, name, huaweiCloud(endpoint, name, credentials));
  }

  /** Creates or replaces an IdentityCenterConnection; its Secret is the caller's business. */
  public static IdentityCenterConnection namespaced(KubernetesClient kubernetes, String namespace, String name,
      HuaweiCloudConnection huaweiCloud) {
    IdentityCenterConnection connection = new IdentityCenterConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    spec.setHuaweiCloud(huaweiCloud);
    connection.setSpec(spec);
    return createOrUpdateSpec(kubernetes, connection);
  }

  /**
   * The huaweiCloud block of a connection: the endpoint (plain http allowed when it is http), the domain ID of the
   * credentials, and the Secret.
   */
  public static HuaweiCloudConnection huaweiCloud(URI endpoint, String secretName, CloudCredentials credentials) {
    HuaweiCloudConnection huawei = new HuaweiCloudConnection();
    huawei.setEndpoint(endpoint.toString());
    if ("http".equalsIgnoreCase(endpoint.getScheme())) {
      huawei.setAllowInsecureHttp(true);
    }
    credentials.domainId().ifPresent(huawei::setDomainId);
    huawei.setCredentialsSecretRef(new SecretReference(secretName));
    return huawei;
  }

  /** Creates or replaces a credentials Secret, labelled so that the operator sees it. */
  public static Secret secret(KubernetesClient kubernetes, String namespace, String name,
      CloudCredentials credentials) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(SecretCredentials.ACCESS_KEY, base64(credentials.accessKey()));
    data.put(SecretCredentials.SECRET_KEY, base64(credentials.secretKey()));
    credentials.securityToken().ifPresent(token -> data.put(SecretCredentials.SECURITY_TOKEN, base64(token)));
    Secret secret = new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels(SecretCredentials.LABEL, SecretCredentials.LABEL_VALUE).endMetadata()
        .withData(data)
        .build();
    return kubernetes.resource(secret).createOr(NonDeletingOperation::update);
  }

  /** The connection once its Ready condition has {@code reason}; fails the test after a while. */
  public static CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> awaitReason(
      KubernetesClient kubernetes, ConnectionKey key, String reason) {
    return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> get(kubernetes, key), connection -> reason.equals(readyReason(connection)));
  }

  /** The connection once the operator found it Ready (reason Valid). */
  public static CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> awaitReady(
      KubernetesClient kubernetes, ConnectionKey key) {
    return awaitReason(kubernetes, key, "Valid");
  }

  /** The connection as the API has it now, null when there is none. */
  public static CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus> get(
      KubernetesClient kubernetes, ConnectionKey key) {
    return key.namespace().isPresent()
        ? kubernetes.resources(IdentityCenterConnection.class).inNamespace(key.namespace().get())
            .withName(key.name()).get()
        : kubernetes.resources(ClusterIdentityCenterConnection.class).withName(key.name()).get();
  }

  /** The reason of the connection's Ready condition, or null while it has none. */
  public static String readyReason(CustomResource<?, IdentityCenterConnectionStatus> connection) {
    return connection == null || connection.getStatus() == null ? null
        : connection.getStatus().condition("Ready").map(Condition::getReason).orElse(null);
  }

  private static <C extends CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus>> C
      createOrUpdateSpec(KubernetesClient kubernetes, C connection) {
    return kubernetes.resource(connection).createOr(NonDeletingOperation::update);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
