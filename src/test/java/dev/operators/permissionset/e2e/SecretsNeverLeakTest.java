package dev.operators.permissionset.e2e;

import static dev.operators.permissionset.testing.DemoWorld.ADMINISTRATOR;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.BILLING_VIEWER;
import static dev.operators.permissionset.testing.DemoWorld.BILLING_VIEWER_NAME;
import static dev.operators.permissionset.testing.DemoWorld.DOMAIN_ID;
import static dev.operators.permissionset.testing.DemoWorld.INSTANCE;
import static dev.operators.permissionset.testing.DemoWorld.LEGACY;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.SANDBOX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.ClusterIdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference;
import dev.operators.permissionset.api.v1alpha1.ConnectionReference.Kind;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnection;
import dev.operators.permissionset.api.v1alpha1.IdentityCenterConnectionSpec;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.connection.ConnectionKey;
import dev.operators.permissionset.identitycenter.CloudAccess;
import dev.operators.permissionset.identitycenter.CloudClients;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.CloudEndpoint;
import dev.operators.permissionset.identitycenter.EnvironmentProxySelector;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.AwsDemoWorld;
import dev.operators.permissionset.testing.CapturedLogs;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import dev.operators.permissionset.testing.Provisionings;
import dev.operators.permissionset.testing.TestConnections;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenarios with distinctive credentials, in the Secrets of the default cluster connection and of
 * other connections, with security tokens, for Huawei Cloud and for AWS; then everything the operator wrote is
 * searched for them: every log line at every level (with MDC and stack traces), Kubernetes Events, the resources and
 * the connections of both kinds as stored, the metrics, exception messages and the toString() of credentials. Access
 * keys count as secrets here too.
 */
class SecretsNeverLeakTest {

  private static final CloudCredentials DEFAULTS = new CloudCredentials("LEAKDEFAULTAK7Q2M4X8Z",
      "leak-default-sk-9f8e7d6c5b4a3f2e1d0c", Optional.of("leak-default-token-1a2b3c4d5e6f7a8b9c0d"),
      Optional.of(DOMAIN_ID));
  private static final CloudCredentials PER_RESOURCE = new CloudCredentials("LEAKSECRETAK1B2C3D4E5",
      "leak-secret-sk-0a1b2c3d4e5f6a7b8c9d", Optional.of("leak-secret-token-f0e1d2c3b4a59687"),
      Optional.of(DOMAIN_ID));
  /** Known to the cloud by its access key, with the wrong secret key: every call answers 401. */
  private static final CloudCredentials WRONG_SECRET_KEY = new CloudCredentials(PER_RESOURCE.accessKey(),
      "leak-wrong-sk-55aa55aa55aa55aa55aa", Optional.of("leak-wrong-token-0f0f0f0f0f0f"), Optional.empty());
  private static final CloudCredentials UNKNOWN_ACCESS_KEY = new CloudCredentials("LEAKUNKNOWNAK9Z8Y7X6",
      "leak-unknown-sk-1234abcd1234abcd", Optional.empty(), Optional.empty());
  /** A value that cannot go into an HTTP header, as a copy-paste with a line break gives. */
  private static final String MALFORMED_SECRET_KEY = "leak-malformed-sk-7e7e7e7e\nsecond line";

  /** AWS temporary credentials of the default connection, which the AWS simulator knows. */
  private static final CloudCredentials AWS_DEFAULTS = new CloudCredentials("ASIALEAKDEFAULT7Q2M4X",
      "leak-aws-default-sk-9f8e7d6c5b4a3f2e1d0c", Optional.of("leak-aws-default-token-1a2b3c4d5e6f7a8b"),
      Optional.empty());
  /** An AWS long-term key pair, which the AWS simulator knows. */
  private static final CloudCredentials AWS_KEYS = CloudCredentials.of("AKIALEAKKEYS1B2C3D4E5",
      "leak-aws-keys-sk-0a1b2c3d4e5f6a7b8c9d");
  /** Known to AWS by its access key, with the wrong secret key: every call answers InvalidSignatureException. */
  private static final CloudCredentials AWS_WRONG_SECRET_KEY = CloudCredentials.of(AWS_KEYS.accessKey(),
      "leak-aws-wrong-sk-55aa55aa55aa55aa55aa");
  /** Known to AWS, with a session token that is not the session's: UnrecognizedClientException. */
  private static final CloudCredentials AWS_WRONG_TOKEN = new CloudCredentials(AWS_DEFAULTS.accessKey(),
      AWS_DEFAULTS.secretKey(), Optional.of("leak-aws-wrong-token-0f0f0f0f0f0f"), Optional.empty());
  private static final CloudCredentials AWS_UNKNOWN_ACCESS_KEY = CloudCredentials.of("AKIALEAKUNKNOWN9Z8Y7X",
      "leak-aws-unknown-sk-1234abcd1234abcd");
  /** A session that has expired: ExpiredTokenException. */
  private static final CloudCredentials AWS_EXPIRED = new CloudCredentials("ASIALEAKEXPIRED6W5V4U",
      "leak-aws-expired-sk-77bb77bb77bb77bb77bb", Optional.of("leak-aws-expired-token-3c3c3c3c3c3c3c"),
      Optional.empty());
  /** A session token that cannot go into an HTTP header, as a copy-paste with a line break gives. */
  private static final String AWS_MALFORMED_TOKEN = "leak-aws-malformed-token-6d6d6d6d\nsecond line";

  private static final String MOCK_API_SERVER = "] io.fabric8.kubernetes.client.server.mock.";
  private static final String KUBERNETES_WIRE_LOGGER = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";
  private static final String AWS_SDK = "software.amazon.awssdk";

  private EndToEndEnvironment environment;

  @AfterEach
  void stop() {
    if (environment != null) {
      environment.close();
    }
  }

  private static List<String> secretValues() {
    return secretValues(List.of(DEFAULTS, PER_RESOURCE, WRONG_SECRET_KEY, UNKNOWN_ACCESS_KEY),
        "leak-malformed-sk-7e7e7e7e");
  }

  private static List<String> awsSecretValues() {
    return secretValues(List.of(AWS_DEFAULTS, AWS_KEYS, AWS_WRONG_SECRET_KEY, AWS_WRONG_TOKEN, AWS_UNKNOWN_ACCESS_KEY,
        AWS_EXPIRED), "leak-aws-malformed-token-6d6d6d6d");
  }

  /** Every part of the credentials, and the first line of a malformed value. */
  private static List<String> secretValues(List<CloudCredentials> credentials, String malformed) {
    List<String> values = new ArrayList<>();
    for (CloudCredentials each : credentials) {
      values.add(each.accessKey());
      values.add(each.secretKey());
      each.securityToken().ifPresent(values::add);
    }
    values.add(malformed);
    return values;
  }

  private static SimulatorFixture fixture() {
    SimulatorFixture demo = SimulatorFixture.demo();
    List<SimulatorFixture.Credential> credentials = new ArrayList<>(demo.credentials());
    for (CloudCredentials known : List.of(DEFAULTS, PER_RESOURCE)) {
      credentials.add(new SimulatorFixture.Credential(known.accessKey(), known.secretKey(),
          known.securityToken().orElseThrow(), known.domainId().orElseThrow(), List.of(INSTANCE)));
    }
    return new SimulatorFixture(Duration.ofMillis(300), credentials, demo.instances());
  }

  private static SimulatorFixture awsFixture() {
    SimulatorFixture demo = SimulatorFixture.demoAws();
    List<SimulatorFixture.Credential> credentials = new ArrayList<>(demo.credentials());
    for (CloudCredentials known : List.of(AWS_DEFAULTS, AWS_KEYS, AWS_EXPIRED)) {
      credentials.add(new SimulatorFixture.Credential(known.accessKey(), known.secretKey(),
          known.securityToken().orElse(null), null, List.of(AwsDemoWorld.INSTANCE), known == AWS_EXPIRED));
    }
    return new SimulatorFixture(SimulatorFixture.Cloud.AWS, demo.region(), Duration.ofMillis(300), credentials,
        demo.instances());
  }

  @Test
  void noCredentialAppearsInLogsEventsStatusMetricsExceptionsOrToString() {
    Map<String, String> expected = new LinkedHashMap<>();
    List<String> written = new ArrayList<>();
    // capturing starts first: Fabric8 adds its TRACE logging of the API traffic when a client is built
    try (CapturedLogs logs = CapturedLogs.start("dev.operators.permissionset", "io.javaoperatorsdk", "io.fabric8",
        "okhttp3")) {
      environment = EndToEndEnvironment.start(fixture(), Map.of());
      KubernetesClient kubernetes = environment.kubernetes();
      TestConnections.secret(kubernetes, TestConnections.OPERATOR_NAMESPACE, TestConnections.DEFAULT_SECRET,
          DEFAULTS);
      TestConnections.cluster(kubernetes, ConnectionKey.DEFAULT_NAME,
          environment.huaweiCloud(TestConnections.DEFAULT_SECRET), List.of(NAMESPACE));
      // the default connection's Secret, offered to a namespace it does not admit
      TestConnections.cluster(kubernetes, "elsewhere", environment.huaweiCloud(TestConnections.DEFAULT_SECRET),
          List.of("elsewhere"));
      connection("per-resource", PER_RESOURCE);
      connection("wrong-secret-key", WRONG_SECRET_KEY);
      connection("unknown-access-key", UNKNOWN_ACCESS_KEY);
      connection("malformed", new CloudCredentials(PER_RESOURCE.accessKey(), MALFORMED_SECRET_KEY, Optional.empty(),
          Optional.empty()));
      TestConnections.namespaced(kubernetes, NAMESPACE, "secret-missing", environment.huaweiCloud("does-not-exist"));

      environment.startOperator();
      Map<ConnectionKey, String> connections = new LinkedHashMap<>();
      connections.put(ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME), "Valid");
      connections.put(ConnectionKey.cluster("elsewhere"), "Valid");
      connections.put(ConnectionKey.namespaced(NAMESPACE, "per-resource"), "Valid");
      connections.put(ConnectionKey.namespaced(NAMESPACE, "wrong-secret-key"), "InvalidCredentials");
      connections.put(ConnectionKey.namespaced(NAMESPACE, "unknown-access-key"), "InvalidCredentials");
      connections.put(ConnectionKey.namespaced(NAMESPACE, "malformed"), "CredentialsUnavailable");
      connections.put(ConnectionKey.namespaced(NAMESPACE, "secret-missing"), "CredentialsUnavailable");
      // the checks see no faults, so that each connection ends with the reason of its credentials at once
      connections.forEach((key, reason) -> TestConnections.awaitReason(kubernetes, key, reason));
      environment.simulator().faults().serverErrorRate(0.1).throttleRate(0.05).dropRate(0.05)
          .dropAcceptedProvisionRate(0.3);

      create(expected, resource("defaults-provisioned", READ_ONLY, PAYMENTS, null), "Provisioned");
      create(expected, resource("defaults-failed", READ_ONLY, LEGACY, null), "ProvisioningFailed");
      create(expected, resource("secret-provisioned", ADMINISTRATOR, ANALYTICS, "per-resource"),
          "Provisioned");
      create(expected, resource("secret-wrong-secret-key", READ_ONLY, SANDBOX, "wrong-secret-key"),
          "ConnectionNotReady");
      create(expected, resource("secret-unknown-access-key", BILLING_VIEWER, SANDBOX, "unknown-access-key"),
          "ConnectionNotReady");
      create(expected, resource("secret-malformed", READ_ONLY, ANALYTICS, "malformed"), "ConnectionNotReady");
      create(expected, resource("secret-missing", READ_ONLY, ANALYTICS, "secret-missing"), "ConnectionNotReady");
      PermissionSetProvisioning notAdmitted = resource("not-admitted", READ_ONLY, SANDBOX, null);
      notAdmitted.getSpec().setConnectionRef(new ConnectionReference(Kind.ClusterIdentityCenterConnection,
          "elsewhere"));
      create(expected, notAdmitted, "NamespaceNotAllowed");
      create(expected, resource("unknown-permission-set", "ps-0000000000000000", PAYMENTS, "per-resource"),
          "PermissionSetNotFound");
      PermissionSetProvisioning byName = resource("secret-by-name", null, PAYMENTS, "per-resource");
      byName.getSpec().setPermissionSetName(BILLING_VIEWER_NAME);
      create(expected, byName, "Provisioned");
      create(expected, resource("invalid-spec", READ_ONLY, null, null), "InvalidSpec");

      awaitScenarios(expected);
      written.add("metrics " + environment.scrapeMetrics());
      environment.stopOperator();
      written.addAll(operatorLines(logs));
    }
    written.addAll(stored());
    written.addAll(exceptionsOfFailingCalls());
    for (CloudCredentials credentials : List.of(DEFAULTS, PER_RESOURCE, WRONG_SECRET_KEY)) {
      written.add(credentials.toString());
    }
    fixture().credentials().forEach(credential -> written.add(credential.toString()));

    assertNoLeaks(written, secretValues());
  }

  @Test
  void noAwsCredentialAppearsInLogsEventsStatusMetricsExceptionsOrToString() {
    Map<String, String> expected = new LinkedHashMap<>();
    List<String> written = new ArrayList<>();
    try (CapturedLogs logs = CapturedLogs.start("dev.operators.permissionset", "io.javaoperatorsdk", "io.fabric8",
        "okhttp3", AWS_SDK)) {
      environment = EndToEndEnvironment.start(awsFixture(), Map.of());
      KubernetesClient kubernetes = environment.kubernetes();
      List<String> namespaces = List.of(NAMESPACE);
      TestConnections.secret(kubernetes, TestConnections.OPERATOR_NAMESPACE, TestConnections.DEFAULT_SECRET,
          AWS_DEFAULTS);
      IdentityCenterConnectionSpec defaults = new IdentityCenterConnectionSpec();
      defaults.setAws(environment.aws(TestConnections.DEFAULT_SECRET));
      TestConnections.cluster(kubernetes, ConnectionKey.DEFAULT_NAME, defaults, namespaces);
      environment.awsConnection("aws-keys", AWS_KEYS, namespaces);
      environment.awsConnection("wrong-secret-key", AWS_WRONG_SECRET_KEY, namespaces);
      environment.awsConnection("wrong-token", AWS_WRONG_TOKEN, namespaces);
      environment.awsConnection("unknown-access-key", AWS_UNKNOWN_ACCESS_KEY, namespaces);
      environment.awsConnection("expired", AWS_EXPIRED, namespaces);
      environment.awsConnection("malformed", new CloudCredentials(AWS_KEYS.accessKey(), AWS_KEYS.secretKey(),
          Optional.of(AWS_MALFORMED_TOKEN), Optional.empty()), namespaces);

      environment.startOperator();
      Map<ConnectionKey, String> connections = new LinkedHashMap<>();
      connections.put(ConnectionKey.cluster(ConnectionKey.DEFAULT_NAME), "Valid");
      connections.put(ConnectionKey.cluster("aws-keys"), "Valid");
      connections.put(ConnectionKey.cluster("wrong-secret-key"), "InvalidCredentials");
      connections.put(ConnectionKey.cluster("wrong-token"), "InvalidCredentials");
      connections.put(ConnectionKey.cluster("unknown-access-key"), "InvalidCredentials");
      connections.put(ConnectionKey.cluster("expired"), "InvalidCredentials");
      connections.put(ConnectionKey.cluster("malformed"), "CredentialsUnavailable");
      connections.forEach((key, reason) -> TestConnections.awaitReason(kubernetes, key, reason));
      environment.simulator().faults().serverErrorRate(0.1).throttleRate(0.05).dropRate(0.05)
          .dropAcceptedProvisionRate(0.3);

      create(expected, awsResource("defaults-provisioned", AwsDemoWorld.READ_ONLY, AwsDemoWorld.SANDBOX, null),
          "Provisioned");
      create(expected, awsResource("defaults-failed", AwsDemoWorld.READ_ONLY, AwsDemoWorld.LEGACY, null),
          "ProvisioningFailed");
      create(expected, awsResource("keys-provisioned", AwsDemoWorld.ADMINISTRATOR, AwsDemoWorld.ANALYTICS,
          "aws-keys"), "Provisioned");
      PermissionSetProvisioning byName = awsResource("keys-by-name", null, AwsDemoWorld.PAYMENTS, "aws-keys");
      byName.getSpec().setPermissionSetName(AwsDemoWorld.BILLING_VIEWER_NAME);
      create(expected, byName, "Provisioned");
      for (String connection : List.of("wrong-secret-key", "wrong-token", "unknown-access-key", "expired",
          "malformed")) {
        create(expected, awsResource("with-" + connection, AwsDemoWorld.READ_ONLY, AwsDemoWorld.ANALYTICS,
            connection), "ConnectionNotReady");
      }
      create(expected, awsResource("unknown-permission-set", AwsDemoWorld.TEAM_001.replace("ps-f", "ps-e"),
          AwsDemoWorld.PAYMENTS, "aws-keys"), "PermissionSetNotFound");
      create(expected, awsResource("huawei-id", READ_ONLY, AwsDemoWorld.PAYMENTS, null), "InvalidSpec");

      awaitScenarios(expected);
      written.add("metrics " + environment.scrapeMetrics());
      environment.stopOperator();
      written.addAll(operatorLines(logs));
    }
    written.addAll(stored());
    written.addAll(awsExceptionsOfFailingCalls());
    for (CloudCredentials credentials : List.of(AWS_DEFAULTS, AWS_KEYS, AWS_WRONG_TOKEN, AWS_EXPIRED)) {
      written.add(credentials.toString());
    }
    awsFixture().credentials().forEach(credential -> written.add(credential.toString()));

    assertNoLeaks(written, awsSecretValues());
  }

  /** Waits until every resource's Ready reason is the expected one; fails showing where each ended otherwise. */
  private void awaitScenarios(Map<String, String> expected) {
    try {
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> expected.entrySet()
          .stream().allMatch(e -> reason(e.getKey()).equals(Optional.of(e.getValue()))));
    } catch (ConditionTimeoutException e) {
      Map<String, String> ended = new LinkedHashMap<>();
      expected.keySet().forEach(name -> ended.put(name, Optional.ofNullable(environment.get(NAMESPACE, name))
          .map(PermissionSetProvisioning::getStatus).flatMap(status -> status.condition("Ready"))
          .map(c -> c.getReason() + ": " + c.getMessage()).orElse("no Ready condition")));
      assertThat(ended).as("the scenarios ended as expected").isEqualTo(expected);
    }
  }

  /**
   * The captured lines of the operator, its libraries included, that its production logging writes; those of the mock
   * API server left out.
   */
  private static List<String> operatorLines(CapturedLogs logs) {
    assertThat(logs.lines()).as("DEBUG lines of the operator itself were captured")
        .anyMatch(line -> line.startsWith("DEBUG") && line.contains("dev.operators.permissionset"));
    assertThat(logs.lines()).as("JOSDK lines were captured").anyMatch(line -> line.contains("io.javaoperatorsdk"));
    // the mock API server logs the Secrets it stores; it stands for the cluster and is no part of the operator
    Configuration production = productionLogging();
    List<String> operatorLines = logs.lines().stream().filter(line -> !line.contains(MOCK_API_SERVER))
        .filter(line -> writtenInProduction(line, production)).toList();
    System.out.println("captured " + operatorLines.size() + " log lines of the operator, by logger and level: "
        + operatorLines.stream().collect(Collectors.groupingBy(SecretsNeverLeakTest::loggerAndLevel, TreeMap::new,
            Collectors.counting())));
    return operatorLines;
  }

  /** The logging configuration of the operator's image, src/main/resources/log4j2.xml. */
  private static Configuration productionLogging() {
    try (InputStream in = Files.newInputStream(Path.of("src/main/resources/log4j2.xml"))) {
      XmlConfiguration configuration = new XmlConfiguration(new LoggerContext("production"),
          new ConfigurationSource(in));
      configuration.initialize();
      return configuration;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Whether the operator's production logging writes the captured line. The AWS SDK's loggers count at the level
   * that configuration gives them, as their DEBUG lines show each canonical request, session token included; every
   * other logger at every level, as LOG_LEVEL lowers the operator's own.
   */
  private static boolean writtenInProduction(String line, Configuration production) {
    String logger = line.substring(line.indexOf("] ") + 2).split(" ", 2)[0];
    if (!logger.startsWith(AWS_SDK)) {
      return true;
    }
    Level level = Level.toLevel(line.split(" ", 2)[0], Level.ALL);
    return level.isMoreSpecificThan(production.getLoggerConfig(logger).getLevel());
  }

  /** The resources, the connections of both kinds and the Events as the API stores them. */
  private List<String> stored() {
    List<String> written = new ArrayList<>();
    KubernetesClient kubernetes = environment.kubernetes();
    kubernetes.resources(PermissionSetProvisioning.class).inAnyNamespace().list().getItems()
        .forEach(resource -> written.add("resource " + kubernetes.getKubernetesSerialization().asJson(resource)));
    kubernetes.resources(IdentityCenterConnection.class).inAnyNamespace().list().getItems()
        .forEach(connection -> written.add("connection " + kubernetes.getKubernetesSerialization().asJson(connection)));
    kubernetes.resources(ClusterIdentityCenterConnection.class).list().getItems()
        .forEach(connection -> written.add("connection " + kubernetes.getKubernetesSerialization().asJson(connection)));
    kubernetes.v1().events().inAnyNamespace().list().getItems()
        .forEach(event -> written.add("event " + kubernetes.getKubernetesSerialization().asJson(event)));
    kubernetes.events().v1().events().inAnyNamespace().list().getItems()
        .forEach(event -> written.add("event " + kubernetes.getKubernetesSerialization().asJson(event)));
    return written;
  }

  private static void assertNoLeaks(List<String> written, List<String> secretValues) {
    List<String> leaks = new ArrayList<>();
    for (String text : written) {
      for (String secret : secretValues) {
        // Fabric8 logs the Kubernetes API's traffic at TRACE, Secrets as the API server sends them: base64
        List<String> forms = text.contains(KUBERNETES_WIRE_LOGGER) ? List.of(secret) : List.of(secret, base64(secret));
        for (String form : forms) {
          if (text.contains(form)) {
            leaks.add("'" + form + "'" + (form.equals(secret) ? "" : " (base64)") + " in: "
                + text.substring(0, Math.min(text.length(), 100)).replace('\n', ' ') + " ... "
                + excerpt(text, form));
          }
        }
      }
    }
    assertThat(leaks).as("credentials found in %d texts the operator wrote", written.size()).isEmpty();
  }

  /** Every way a call with these credentials can fail, straight through the client: messages and stack traces. */
  private List<String> exceptionsOfFailingCalls() {
    List<String> texts = new ArrayList<>();
    environment.simulator().faults().clear();
    CloudEndpoint simulator = new CloudEndpoint(environment.simulator().endpoint(), Optional.empty(), true);
    try (HuaweiIdentityCenterClientFactory factory = new HuaweiIdentityCenterClientFactory(Clock.systemUTC())) {
      List<IdentityCenterClient> clients = List.of(factory.forConnection(simulator, WRONG_SECRET_KEY),
          factory.forConnection(simulator, UNKNOWN_ACCESS_KEY),
          factory.forConnection(simulator, new CloudCredentials(PER_RESOURCE.accessKey(), MALFORMED_SECRET_KEY,
              Optional.empty(), Optional.empty())),
          factory.forConnection(simulator, new CloudCredentials(DEFAULTS.accessKey(), DEFAULTS.secretKey(),
              Optional.of(DEFAULTS.securityToken().orElseThrow() + " with a space"), Optional.empty())));
      for (IdentityCenterClient client : clients) {
        texts.add(client.toString());
        texts.add(failureOf(client, () -> client.provision(INSTANCE, READ_ONLY,
            ProvisioningTarget.account(PAYMENTS))));
        texts.add(failureOf(client, client::checkAccess));
      }
    }
    assertThat(texts).as("every call failed").noneMatch(text -> text.startsWith("no failure"));
    return texts;
  }

  /** Every way an AWS call with these credentials can fail, straight through the operator's clients. */
  private List<String> awsExceptionsOfFailingCalls() {
    List<String> texts = new ArrayList<>();
    environment.simulator().faults().clear();
    CloudEndpoint simulator = new CloudEndpoint(environment.simulator().endpoint(), Optional.empty(), true);
    try (CloudClients clients = CloudClients.forOperator(OperatorConfig.fromEnvironment(Map.of()),
        EnvironmentProxySelector.fromEnvironment(Map.of()), Clock.systemUTC())) {
      for (CloudCredentials keys : List.of(AWS_WRONG_SECRET_KEY, AWS_WRONG_TOKEN, AWS_UNKNOWN_ACCESS_KEY, AWS_EXPIRED,
          new CloudCredentials(AWS_KEYS.accessKey(), AWS_KEYS.secretKey(), Optional.of(AWS_MALFORMED_TOKEN),
              Optional.empty()))) {
        IdentityCenterClient client = clients.forConnection(new CloudAccess.Aws(simulator, AwsDemoWorld.REGION,
            Optional.of(keys), Optional.empty()));
        texts.add(client.toString());
        texts.add(failureOf(client, () -> client.provision(AwsDemoWorld.INSTANCE, AwsDemoWorld.READ_ONLY,
            ProvisioningTarget.account(AwsDemoWorld.PAYMENTS))));
        texts.add(failureOf(client, client::checkAccess));
      }
    }
    assertThat(texts).as("every call failed").noneMatch(text -> text.startsWith("no failure"));
    return texts;
  }

  /** The failure's stack trace, summary and the cloud's message; "no failure" when the call succeeded. */
  private static String failureOf(IdentityCenterClient client, Runnable call) {
    try {
      call.run();
      return "no failure with " + client;
    } catch (IdentityCenterException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return trace + "\n" + e.summary() + "\n" + e.cloudMessage();
    }
  }

  /** An IdentityCenterConnection of the resources' namespace, and its Secret of the same name. */
  private void connection(String name, CloudCredentials credentials) {
    TestConnections.secret(environment.kubernetes(), NAMESPACE, name, credentials);
    TestConnections.namespaced(environment.kubernetes(), NAMESPACE, name, environment.huaweiCloud(name));
  }

  /** A resource that uses the IdentityCenterConnection {@code connection}, or, when null, the default one. */
  private static PermissionSetProvisioning resource(String name, String permissionSetId, String account,
      String connection) {
    PermissionSetProvisioning resource = Provisionings.toAccount(name, permissionSetId, account);
    if (connection != null) {
      resource.getSpec().setConnectionRef(new ConnectionReference(Kind.IdentityCenterConnection, connection));
    }
    return resource;
  }

  /**
   * A resource on the AWS demo instance that uses the ClusterIdentityCenterConnection {@code connection}, or, when
   * null, the default one.
   */
  private static PermissionSetProvisioning awsResource(String name, String permissionSetArn, String account,
      String connection) {
    PermissionSetProvisioning resource = Provisionings.toAccount(name, permissionSetArn, account);
    resource.getSpec().setInstanceId(AwsDemoWorld.INSTANCE);
    if (connection != null) {
      resource.getSpec().setConnectionRef(new ConnectionReference(Kind.ClusterIdentityCenterConnection,
          connection));
    }
    return resource;
  }

  private void create(Map<String, String> expected, PermissionSetProvisioning resource, String reason) {
    environment.kubernetes().resource(resource).create();
    expected.put(resource.getMetadata().getName(), reason);
  }

  private Optional<String> reason(String name) {
    return Optional.ofNullable(AwaitStatus.readyReason(environment.get(NAMESPACE, name)));
  }

  /** The logger and level of a captured line: "LEVEL [thread] logger {mdc} - message". */
  private static String loggerAndLevel(String line) {
    return line.substring(line.indexOf("] ") + 2).split(" ", 2)[0] + " " + line.split(" ", 2)[0];
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String excerpt(String text, String found) {
    int at = text.indexOf(found);
    return text.substring(Math.max(0, at - 150), Math.min(text.length(), at + found.length() + 50))
        .replace('\n', ' ');
  }
}
