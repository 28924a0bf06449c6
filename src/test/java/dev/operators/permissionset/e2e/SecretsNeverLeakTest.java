package dev.operators.permissionset.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioning;
import dev.operators.permissionset.api.v1alpha1.PermissionSetProvisioningSpec;
import dev.operators.permissionset.api.v1alpha1.SecretReference;
import dev.operators.permissionset.api.v1alpha1.TargetType;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import dev.operators.permissionset.identitycenter.IdentityCenterClient;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.identitycenter.ProvisioningTarget;
import dev.operators.permissionset.identitycenter.huawei.HuaweiIdentityCenterClientFactory;
import dev.operators.permissionset.simulator.SimulatorFixture;
import dev.operators.permissionset.testing.CapturedLogs;
import dev.operators.permissionset.testing.EndToEndEnvironment;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end scenarios with distinctive credentials, default and per resource, with security tokens; then
 * everything the operator wrote is searched for them: every log line at every level (with MDC and stack traces),
 * Kubernetes Events, the resources as stored, exception messages and the toString() of configuration and
 * credentials. Access keys count as secrets here too.
 */
class SecretsNeverLeakTest {

  private static final String NAMESPACE = "platform";
  private static final String INSTANCE = "ins-4f1d2c3b4a596870";
  private static final String READ_ONLY = "ps-8603aaaaaaaa14bd";
  private static final String PAYMENTS = "5146d03d8aaaaaaaaaaaabbae60620a5";
  private static final String ANALYTICS = "0c1d2e3f405162738495a6b7c8d9e0f1";
  private static final String SANDBOX = "7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4";
  private static final String LEGACY = "9a8b7c6d5e4f30211203f4e5d6c7b8a9";

  private static final CloudCredentials DEFAULTS = new CloudCredentials("LEAKDEFAULTAK7Q2M4X8Z",
      "leak-default-sk-9f8e7d6c5b4a3f2e1d0c", Optional.of("leak-default-token-1a2b3c4d5e6f7a8b9c0d"),
      Optional.of("d0m41n0000000000000000000000demo"));
  private static final CloudCredentials PER_RESOURCE = new CloudCredentials("LEAKSECRETAK1B2C3D4E5",
      "leak-secret-sk-0a1b2c3d4e5f6a7b8c9d", Optional.of("leak-secret-token-f0e1d2c3b4a59687"),
      Optional.of("d0m41n0000000000000000000000demo"));
  /** Known to the cloud by its access key, with the wrong secret key: every call answers 401. */
  private static final CloudCredentials WRONG_SECRET_KEY = new CloudCredentials(PER_RESOURCE.accessKey(),
      "leak-wrong-sk-55aa55aa55aa55aa55aa", Optional.of("leak-wrong-token-0f0f0f0f0f0f"), Optional.empty());
  private static final CloudCredentials UNKNOWN_ACCESS_KEY = new CloudCredentials("LEAKUNKNOWNAK9Z8Y7X6",
      "leak-unknown-sk-1234abcd1234abcd", Optional.empty(), Optional.empty());
  /** A value that cannot go into an HTTP header, as a copy-paste with a line break gives. */
  private static final String MALFORMED_SECRET_KEY = "leak-malformed-sk-7e7e7e7e\nsecond line";

  private static final String MOCK_API_SERVER = "] io.fabric8.kubernetes.client.server.mock.";
  private static final String KUBERNETES_WIRE_LOGGER = "io.fabric8.kubernetes.client.http.HttpLoggingInterceptor";

  private EndToEndEnvironment environment;

  @AfterEach
  void stop() {
    if (environment != null) {
      environment.close();
    }
  }

  private static List<String> secretValues() {
    List<String> values = new ArrayList<>();
    for (CloudCredentials credentials : List.of(DEFAULTS, PER_RESOURCE, WRONG_SECRET_KEY, UNKNOWN_ACCESS_KEY)) {
      values.add(credentials.accessKey());
      values.add(credentials.secretKey());
      credentials.securityToken().ifPresent(values::add);
    }
    values.add("leak-malformed-sk-7e7e7e7e");
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

  @Test
  void noCredentialAppearsInLogsEventsStatusExceptionsOrToString() {
    Map<String, String> expected = new LinkedHashMap<>();
    List<String> written = new ArrayList<>();
    // capturing starts first: Fabric8 adds its TRACE logging of the API traffic when a client is built
    try (CapturedLogs logs = CapturedLogs.start("dev.operators.permissionset", "io.javaoperatorsdk", "io.fabric8",
        "okhttp3")) {
      environment = EndToEndEnvironment.start(fixture(), Map.of(
          OperatorConfig.ACCESS_KEY, DEFAULTS.accessKey(),
          OperatorConfig.SECRET_KEY, DEFAULTS.secretKey(),
          OperatorConfig.SECURITY_TOKEN, DEFAULTS.securityToken().orElseThrow(),
          OperatorConfig.DOMAIN_ID, DEFAULTS.domainId().orElseThrow()));
      secret("per-resource", PER_RESOURCE.accessKey(), PER_RESOURCE.secretKey(), PER_RESOURCE.securityToken());
      secret("wrong-secret-key", WRONG_SECRET_KEY.accessKey(), WRONG_SECRET_KEY.secretKey(),
          WRONG_SECRET_KEY.securityToken());
      secret("unknown-access-key", UNKNOWN_ACCESS_KEY.accessKey(), UNKNOWN_ACCESS_KEY.secretKey(), Optional.empty());
      secret("malformed", PER_RESOURCE.accessKey(), MALFORMED_SECRET_KEY, Optional.empty());
      environment.simulator().faults().serverErrorRate(0.1).throttleRate(0.05).dropRate(0.05)
          .dropAcceptedProvisionRate(0.3);

      environment.startOperator();
      create(expected, "defaults-provisioned", spec(READ_ONLY, PAYMENTS, null), "Provisioned");
      create(expected, "defaults-failed", spec(READ_ONLY, LEGACY, null), "ProvisioningFailed");
      create(expected, "secret-provisioned", spec("ps-1a2b3c4d5e6f7081", ANALYTICS, "per-resource"),
          "Provisioned");
      create(expected, "secret-wrong-secret-key", spec(READ_ONLY, SANDBOX, "wrong-secret-key"),
          "AuthenticationFailed");
      create(expected, "secret-unknown-access-key", spec("ps-5e6f708192a3b4c5", SANDBOX, "unknown-access-key"),
          "AuthenticationFailed");
      create(expected, "secret-malformed", spec(READ_ONLY, ANALYTICS, "malformed"), "CredentialsUnavailable");
      create(expected, "secret-missing", spec(READ_ONLY, ANALYTICS, "does-not-exist"), "CredentialsUnavailable");
      create(expected, "unknown-permission-set", spec("ps-0000000000000000", PAYMENTS, "per-resource"),
          "PermissionSetNotFound");
      PermissionSetProvisioningSpec byName = spec(null, PAYMENTS, "per-resource");
      byName.setPermissionSetName("BillingViewer");
      create(expected, "secret-by-name", byName, "Provisioned");
      PermissionSetProvisioningSpec invalid = spec(READ_ONLY, null, null);
      create(expected, "invalid-spec", invalid, "InvalidSpec");

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
      environment.stopOperator();

      assertThat(logs.lines()).as("DEBUG lines of the operator itself were captured")
          .anyMatch(line -> line.startsWith("DEBUG") && line.contains("dev.operators.permissionset"));
      assertThat(logs.lines()).as("JOSDK lines were captured").anyMatch(line -> line.contains("io.javaoperatorsdk"));
      // the mock API server logs the Secrets it stores; it stands for the cluster and is no part of the operator
      List<String> operatorLines = logs.lines().stream().filter(line -> !line.contains(MOCK_API_SERVER)).toList();
      System.out.println("captured " + operatorLines.size() + " log lines of the operator, by logger and level: "
          + operatorLines.stream().collect(Collectors.groupingBy(SecretsNeverLeakTest::loggerAndLevel, TreeMap::new,
              Collectors.counting())));
      written.addAll(operatorLines);
    }
    KubernetesClient kubernetes = environment.kubernetes();
    kubernetes.resources(PermissionSetProvisioning.class).inAnyNamespace().list().getItems()
        .forEach(resource -> written.add("resource " + kubernetes.getKubernetesSerialization().asJson(resource)));
    kubernetes.v1().events().inAnyNamespace().list().getItems()
        .forEach(event -> written.add("event " + kubernetes.getKubernetesSerialization().asJson(event)));
    kubernetes.events().v1().events().inAnyNamespace().list().getItems()
        .forEach(event -> written.add("event " + kubernetes.getKubernetesSerialization().asJson(event)));
    written.addAll(exceptionsOfFailingCalls());
    written.add(OperatorConfig.fromEnvironment(Map.of(
        OperatorConfig.ACCESS_KEY, DEFAULTS.accessKey(),
        OperatorConfig.SECRET_KEY, DEFAULTS.secretKey(),
        OperatorConfig.SECURITY_TOKEN, DEFAULTS.securityToken().orElseThrow())).toString());
    for (CloudCredentials credentials : List.of(DEFAULTS, PER_RESOURCE, WRONG_SECRET_KEY)) {
      written.add(credentials.toString());
    }
    fixture().credentials().forEach(credential -> written.add(credential.toString()));

    List<String> leaks = new ArrayList<>();
    for (String text : written) {
      for (String secret : secretValues()) {
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
    try (HuaweiIdentityCenterClientFactory factory = new HuaweiIdentityCenterClientFactory(
        environment.simulator().endpoint().toString(), Clock.systemUTC())) {
      List<IdentityCenterClient> clients = List.of(factory.forCredentials(WRONG_SECRET_KEY),
          factory.forCredentials(UNKNOWN_ACCESS_KEY),
          factory.forCredentials(new CloudCredentials(PER_RESOURCE.accessKey(), MALFORMED_SECRET_KEY,
              Optional.empty(), Optional.empty())),
          factory.forCredentials(new CloudCredentials(DEFAULTS.accessKey(), DEFAULTS.secretKey(),
              Optional.of(DEFAULTS.securityToken().orElseThrow() + " with a space"), Optional.empty())));
      for (IdentityCenterClient client : clients) {
        texts.add(client.toString());
        try {
          client.provision(INSTANCE, READ_ONLY, ProvisioningTarget.account(PAYMENTS));
          texts.add("no failure with " + client);
        } catch (IdentityCenterException e) {
          StringWriter trace = new StringWriter();
          e.printStackTrace(new PrintWriter(trace));
          texts.add(trace.toString());
          texts.add(e.summary());
          texts.add(e.cloudMessage());
        }
      }
    }
    assertThat(texts).as("every call failed").noneMatch(text -> text.startsWith("no failure"));
    return texts;
  }

  private void secret(String name, String accessKey, String secretKey, Optional<String> securityToken) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .addToStringData("accessKey", accessKey)
        .addToStringData("secretKey", secretKey);
    securityToken.ifPresent(token -> secret.addToStringData("securityToken", token));
    // stringData is write-only on a real API server; the mock server keeps what it is given, so send data
    var built = secret.build();
    Map<String, String> data = new LinkedHashMap<>();
    built.getStringData().forEach((key, value) -> data.put(key, base64(value)));
    built.setStringData(null);
    built.setData(data);
    environment.kubernetes().resource(built).create();
  }

  private static PermissionSetProvisioningSpec spec(String permissionSetId, String account, String secretName) {
    PermissionSetProvisioningSpec spec = new PermissionSetProvisioningSpec();
    spec.setInstanceId(INSTANCE);
    spec.setPermissionSetId(permissionSetId);
    spec.setTargetType(TargetType.ACCOUNT);
    spec.setTargetId(account);
    if (secretName != null) {
      spec.setCredentialsSecretRef(new SecretReference(secretName));
    }
    return spec;
  }

  private void create(Map<String, String> expected, String name, PermissionSetProvisioningSpec spec, String reason) {
    PermissionSetProvisioning resource = new PermissionSetProvisioning();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(spec);
    environment.kubernetes().resource(resource).create();
    expected.put(name, reason);
  }

  private Optional<String> reason(String name) {
    PermissionSetProvisioning resource = environment.get(NAMESPACE, name);
    return Optional.ofNullable(resource).map(PermissionSetProvisioning::getStatus)
        .flatMap(status -> status.condition("Ready")).map(condition -> condition.getReason());
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
