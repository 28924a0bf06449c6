package dev.operators.permissionset.connection;

import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.AllowedNamespaces;
import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.HuaweiCloudConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionStatus;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningStatus;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.runtime.PermissionSetOperator.LostLease;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.FakeIdentityCenter.Outcome;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.Provisionings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may use which connection, and which Secrets a connection may read, enforced by the operator on the mock
 * Kubernetes API: a refused resource is Stalled with a reason that names the rule, and makes no call.
 */
class ConnectionTenancyTest {

  private static final String OPERATOR_NAMESPACE = "permission-set-operator";
  private static final String TEAM_A = "team-a";
  private static final String TEAM_B = "team-b";
  private static final String ENDPOINT = "https://identitycenter.example.test";

  private KubernetesTestServer kubernetes;
  private KubernetesClient client;
  private FakeIdentityCenter cloud;
  private PermissionSetOperator operator;

  @BeforeEach
  void start() {
    kubernetes = KubernetesTestServer.start();
    client = kubernetes.client();
    cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, READ_ONLY_NAME);
    for (String namespace : List.of(OPERATOR_NAMESPACE, TEAM_A, TEAM_B)) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }
    Map<String, String> env = new HashMap<>(Map.of(
        OperatorConfig.POD_NAMESPACE, OPERATOR_NAMESPACE,
        OperatorConfig.POLL_INITIAL_INTERVAL, "100ms",
        OperatorConfig.POLL_MAX_INTERVAL, "300ms",
        OperatorConfig.RETRY_INITIAL_INTERVAL, "100ms",
        OperatorConfig.RETRY_MAX_INTERVAL, "400ms",
        OperatorConfig.CLOUD_LIST_LAG, "100ms",
        OperatorConfig.CONNECTION_CHECK_INTERVAL, "1s"));
    operator = PermissionSetOperator.create(client, OperatorConfig.fromEnvironment(env), cloud, Clock.systemUTC(),
        LostLease.KEEP_RUNNING);
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.close();
    kubernetes.close();
  }

  @Test
  void aResourceCannotUseTheConnectionOfAnotherNamespace() {
    secret(TEAM_A, "team-a-keys", "AKTEAMA", true);
    client.resource(namespaced(TEAM_A, "shared", "team-a-keys")).create();
    awaitConnection(IdentityCenterConnection.class, TEAM_A, "shared", "Valid");

    create(TEAM_B, "borrower", new ConnectionReference(Kind.IdentityCenterConnection, "shared"));
    create(TEAM_A, "owner", new ConnectionReference(Kind.IdentityCenterConnection, "shared"));

    awaitRequest(TEAM_A, "owner");
    PermissionSetProvisioning refused = awaitReason(TEAM_B, "borrower", "ConnectionNotReady");
    assertStalledNaming(refused, "IdentityCenterConnection/team-b/shared");
    assertThat(cloud.provisionCalls()).singleElement().satisfies(call ->
        assertThat(call.credentials().accessKey()).isEqualTo("AKTEAMA"));
  }

  @Test
  void aNamespacedConnectionReadsItsSecretOnlyFromItsOwnNamespace() {
    secret(TEAM_B, "keys", "AKTEAMB", true);
    client.resource(namespaced(TEAM_A, "looks-elsewhere", "keys")).create();

    IdentityCenterConnection connection = awaitConnection(IdentityCenterConnection.class, TEAM_A, "looks-elsewhere",
        "CredentialsUnavailable");
    assertThat(ready(connection).getMessage()).contains("team-a/keys");
    create(TEAM_A, "waits", new ConnectionReference(Kind.IdentityCenterConnection, "looks-elsewhere"));
    assertStalledNaming(awaitReason(TEAM_A, "waits", "ConnectionNotReady"), "CredentialsUnavailable");
    assertThat(cloud.provisionCalls()).isEmpty();
    assertThat(cloud.accessChecks()).as("nothing to check with").isZero();
  }

  @Test
  void aClusterConnectionReadsItsSecretOnlyFromTheOperatorsNamespace() {
    secret(TEAM_A, "keys", "AKTEAMA", true);
    client.resource(cluster("central", "keys", TEAM_A)).create();

    ClusterIdentityCenterConnection connection = awaitConnection(ClusterIdentityCenterConnection.class, null,
        "central", "CredentialsUnavailable");
    assertThat(ready(connection).getMessage()).contains(OPERATOR_NAMESPACE + "/keys");
  }

  @Test
  void aSecretWithoutTheLabelIsNotSeenAndTheStatusSaysHowToLabelIt() {
    secret(OPERATOR_NAMESPACE, "unlabelled", "AKCENTRAL", false);
    client.resource(cluster("central", "unlabelled", TEAM_A)).create();

    ClusterIdentityCenterConnection connection = awaitConnection(ClusterIdentityCenterConnection.class, null,
        "central", "CredentialsUnavailable");
    assertThat(ready(connection).getMessage()).contains("kubectl label secret -n " + OPERATOR_NAMESPACE
        + " unlabelled " + SecretCredentials.LABEL + "=true");
  }

  @Test
  void aClusterConnectionRefusesANamespaceItDoesNotAdmitUntilTheNamespaceIsLabelledIn() {
    secret(OPERATOR_NAMESPACE, "keys", "AKCENTRAL", true);
    ClusterIdentityCenterConnection central = cluster("central", "keys", TEAM_A);
    central.getSpec().getAllowedNamespaces().setSelector(new LabelSelectorBuilder()
        .withMatchLabels(Map.of("identity-center", "granted")).build());
    client.resource(central).create();
    awaitConnection(ClusterIdentityCenterConnection.class, null, "central", "Valid");

    create(TEAM_B, "outsider", new ConnectionReference(Kind.ClusterIdentityCenterConnection, "central"));

    assertStalledNaming(awaitReason(TEAM_B, "outsider", "NamespaceNotAllowed"), "spec.allowedNamespaces");
    assertThat(cloud.provisionCalls()).isEmpty();

    client.namespaces().withName(TEAM_B).edit(namespace -> {
      namespace.getMetadata().setLabels(Map.of("identity-center", "granted"));
      return namespace;
    });
    awaitRequest(TEAM_B, "outsider");
  }

  @Test
  void theDefaultConnectionServesOnlyTheNamespacesItAdmits() {
    secret(OPERATOR_NAMESPACE, "keys", "AKDEFAULT", true);
    client.resource(cluster(ConnectionKey.DEFAULT_NAME, "keys", TEAM_A)).create();

    create(TEAM_A, "admitted", null);
    create(TEAM_B, "refused", null);

    awaitRequest(TEAM_A, "admitted");
    assertStalledNaming(awaitReason(TEAM_B, "refused", "NamespaceNotAllowed"),
        "ClusterIdentityCenterConnection/default");
    assertThat(cloud.provisionCalls()).hasSize(1);
  }

  @Test
  void withoutADefaultConnectionAResourceThatNamesNoneSaysWhatToCreate() {
    create(TEAM_A, "orphan", null);

    assertStalledNaming(awaitReason(TEAM_A, "orphan", "ConnectionNotReady"),
        "no ClusterIdentityCenterConnection named default");
  }

  @Test
  void aChangedSecretIsUsedAtTheNextCallWithoutARestart() {
    cloud.onProvision(Outcome.status(ProvisioningStatus.SUCCEEDED), Outcome.status(ProvisioningStatus.SUCCEEDED));
    secret(TEAM_A, "keys", "AKFIRST", true);
    client.resource(namespaced(TEAM_A, "team", "keys")).create();
    create(TEAM_A, "first", new ConnectionReference(Kind.IdentityCenterConnection, "team"));
    awaitRequest(TEAM_A, "first");

    secret(TEAM_A, "keys", "AKSECOND", true);
    await().atMost(Duration.ofSeconds(20)).until(() -> cloud.accessChecks() >= 2);
    create(TEAM_A, "second", new ConnectionReference(Kind.IdentityCenterConnection, "team"));
    awaitRequest(TEAM_A, "second");

    assertThat(cloud.provisionCalls()).extracting(call -> call.credentials().accessKey())
        .containsExactly("AKFIRST", "AKSECOND");
  }

  @Test
  void aKeyPairTheCloudRejectsTurnsTheConnectionNotReadyAndItsResourcesWait() {
    cloud.onCheckAccess(new IdentityCenterException("ListInstances", ErrorCategory.AUTHENTICATION_FAILED, 401,
        "APIGW.0301", "Incorrect IAM authentication information", null, null));
    secret(TEAM_A, "keys", "AKWRONG", true);
    client.resource(namespaced(TEAM_A, "team", "keys")).create();

    IdentityCenterConnection connection = awaitConnection(IdentityCenterConnection.class, TEAM_A, "team",
        "InvalidCredentials");
    assertThat(ready(connection).getStatus()).isEqualTo("False");
    assertThat(ready(connection).getMessage()).contains("APIGW.0301");
    create(TEAM_A, "waits", new ConnectionReference(Kind.IdentityCenterConnection, "team"));
    assertStalledNaming(awaitReason(TEAM_A, "waits", "ConnectionNotReady"), "InvalidCredentials");
    assertThat(cloud.provisionCalls()).isEmpty();

    cloud.onCheckAccess(null);
    secret(TEAM_A, "keys", "AKRIGHT", true);
    awaitRequest(TEAM_A, "waits");
    assertThat(awaitConnection(IdentityCenterConnection.class, TEAM_A, "team", "Valid").getStatus().getResources())
        .isEqualTo(1);
  }

  @Test
  void plainHttpNeedsTheExplicitOptIn() {
    secret(TEAM_A, "keys", "AKTEAMA", true);
    IdentityCenterConnection insecure = namespaced(TEAM_A, "simulator", "keys");
    insecure.getSpec().getHuaweiCloud().setEndpoint("http://127.0.0.1:8443");
    client.resource(insecure).create();

    IdentityCenterConnection refused = awaitConnection(IdentityCenterConnection.class, TEAM_A, "simulator",
        "InvalidSpec");
    assertThat(ready(refused).getMessage()).contains("allowInsecureHttp");

    client.resource(refused).edit(connection -> {
      connection.getSpec().getHuaweiCloud().setAllowInsecureHttp(true);
      return connection;
    });
    awaitConnection(IdentityCenterConnection.class, TEAM_A, "simulator", "Valid");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace(TEAM_A).list().getItems()
        .stream().anyMatch(event -> "InsecureEndpoint".equals(event.getReason())
            && "Warning".equals(event.getType())));
  }

  private void create(String namespace, String name, ConnectionReference reference) {
    PermissionSetProvisioning resource = Provisionings.toAccount(name, READ_ONLY, PAYMENTS);
    resource.getMetadata().setNamespace(namespace);
    resource.getSpec().setConnectionRef(reference);
    client.resource(resource).create();
  }

  /** The resource made its provision call: the connection let it through. */
  private PermissionSetProvisioning awaitRequest(String namespace, String name) {
    return AwaitStatus.until(client, namespace, name, resource -> resource.getStatus() != null
        && resource.getStatus().getRequestId() != null);
  }

  private PermissionSetProvisioning awaitReason(String namespace, String name, String reason) {
    return AwaitStatus.until(client, namespace, name, resource -> resource.getStatus() != null
        && resource.getStatus().condition("Ready").map(Condition::getReason).filter(reason::equals).isPresent());
  }

  private static void assertStalledNaming(PermissionSetProvisioning resource, String text) {
    Condition stalled = resource.getStatus().condition("Stalled").orElseThrow();
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getMessage()).contains(text);
  }

  private <C extends CustomResource<IdentityCenterConnectionSpec, IdentityCenterConnectionStatus>> C awaitConnection(
      Class<C> kind, String namespace, String name, String reason) {
    Predicate<C> hasReason = connection -> connection != null && connection.getStatus() != null
        && connection.getStatus().condition("Ready").map(Condition::getReason).filter(reason::equals).isPresent();
    await().atMost(AwaitStatus.TIMEOUT).until(() -> hasReason.test(get(kind, namespace, name)));
    return get(kind, namespace, name);
  }

  private <C extends HasMetadata> C get(Class<C> kind, String namespace, String name) {
    return namespace == null ? client.resources(kind).withName(name).get()
        : client.resources(kind).inNamespace(namespace).withName(name).get();
  }

  private static Condition ready(CustomResource<?, IdentityCenterConnectionStatus> connection) {
    return connection.getStatus().condition("Ready").orElseThrow();
  }

  private void secret(String namespace, String name, String accessKey, boolean labelled) {
    Secret secret = new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
            .withLabels(labelled ? Map.of(SecretCredentials.LABEL, SecretCredentials.LABEL_VALUE) : Map.of()).build())
        .withData(Map.of(SecretCredentials.ACCESS_KEY, base64(accessKey),
            SecretCredentials.SECRET_KEY, base64("sk-" + accessKey.toLowerCase())))
        .build();
    client.resource(secret).createOr(existing -> existing.update());
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static IdentityCenterConnectionSpec spec(String secretName) {
    HuaweiCloudConnection huawei = new HuaweiCloudConnection();
    huawei.setEndpoint(ENDPOINT);
    huawei.setCredentialsSecretRef(new SecretReference(secretName));
    IdentityCenterConnectionSpec spec = new IdentityCenterConnectionSpec();
    spec.setHuaweiCloud(huawei);
    return spec;
  }

  private static IdentityCenterConnection namespaced(String namespace, String name, String secretName) {
    IdentityCenterConnection connection = new IdentityCenterConnection();
    connection.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    connection.setSpec(spec(secretName));
    return connection;
  }

  private static ClusterIdentityCenterConnection cluster(String name, String secretName, String... admitted) {
    ClusterIdentityCenterConnection connection = new ClusterIdentityCenterConnection();
    connection.setMetadata(new ObjectMetaBuilder().withName(name).build());
    IdentityCenterConnectionSpec spec = spec(secretName);
    AllowedNamespaces allowed = new AllowedNamespaces();
    allowed.setNames(List.of(admitted));
    spec.setAllowedNamespaces(allowed);
    connection.setSpec(spec);
    return connection;
  }
}
