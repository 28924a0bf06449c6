package dev.operators.permissionset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.testing.OperatorProcess;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's command line in a JVM of its own, as a user meets it: help starts nothing, and every failure a
 * person can fix is one line that says what to do, without a stack trace.
 */
class CommandLineTest {

  /** Far below the half minute the Kubernetes client would spend retrying an API that is not there. */
  private static final Duration QUICKLY = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path home;

  private OperatorProcess.Exit run(Map<String, String> environment, String... arguments) throws Exception {
    return OperatorProcess.runToExit(home, environment, QUICKLY, arguments);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help", "run --help", "run -h"})
  void helpShowsTheCommandsAndEveryVariableAndStartsNothing(String arguments) throws Exception {
    OperatorProcess.Exit exit = run(Map.of(), arguments.split(" "));

    assertThat(exit.code()).isZero();
    assertThat(exit.stderr()).isEmpty();
    assertThat(exit.stdout()).startsWith("Usage: java -jar permission-set-operator.jar [COMMAND]")
        .contains("run ", "simulator ", "help ", "(default: 30m)");
    for (String variable : environmentVariables()) {
      assertThat(exit.stdout()).as("the usage names %s", variable).contains(variable);
    }
  }

  private static List<String> environmentVariables() throws IllegalAccessException {
    List<String> names = new ArrayList<>();
    for (Field field : OperatorConfig.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        names.add((String) field.get(null));
      }
    }
    assertThat(names).contains("WATCH_NAMESPACES", "LOG_LEVEL", "LOG_FORMAT");
    return names;
  }

  @Test
  void anUnknownCommandOrOptionIsOneLineAndExitCode2() throws Exception {
    OperatorProcess.Exit command = run(Map.of(), "start");
    OperatorProcess.Exit option = run(Map.of(), "run", "--namespace", "team-a");

    assertThat(command.code()).isEqualTo(2);
    assertThat(command.stdout()).isEmpty();
    assertThat(command.stderr().lines()).containsExactly("Unknown command 'start': the commands are run, simulator "
        + "and help (java -jar permission-set-operator.jar --help shows the usage)");
    assertThat(option.code()).isEqualTo(2);
    assertThat(option.stderr().lines()).singleElement().asString().startsWith("Unknown option '--namespace' of run")
        .contains("environment variables").contains("--help");
  }

  @Test
  void withoutKubeconfigOutsideAClusterItSaysSoInOneLineAtOnce() throws Exception {
    OperatorProcess.Exit exit = run(Map.of());

    assertThat(exit.code()).isEqualTo(1);
    assertThat(exit.stdout()).isEmpty();
    assertThat(exit.stderr().lines()).singleElement().asString()
        .startsWith("Cannot start: no kubeconfig (KUBECONFIG unset, no " + home.resolve(".kube/config") + ")")
        .contains("and not running in a cluster (KUBERNETES_SERVICE_HOST unset): point KUBECONFIG at a kubeconfig");
  }

  @Test
  void aBadVariableIsNamedInOneLineBeforeAnythingElseStarts() throws Exception {
    OperatorProcess.Exit level = run(Map.of("LOG_LEVEL", "LOUD"));
    OperatorProcess.Exit namespaces = run(Map.of("WATCH_NAMESPACES", "a b"));

    assertThat(level.code()).isEqualTo(2);
    assertThat(level.stdout()).isEmpty();
    assertThat(level.stderr().lines())
        .containsExactly("Cannot start: LOG_LEVEL='LOUD' must be one of ERROR, WARN, INFO, DEBUG, TRACE");
    assertThat(namespaces.code()).isEqualTo(2);
    assertThat(namespaces.stderr().lines()).singleElement().asString()
        .startsWith("Cannot start: WATCH_NAMESPACES='a b': 'a b' is not a namespace name");
  }

  @Test
  void missingCrdsAreNamedWithTheCommandThatInstallsThem() throws Exception {
    // without expectations the mock API answers 404 to everything, as a server without the CRDs does for them
    KubernetesMockServer api = new KubernetesMockServer(false);
    api.init();
    try {
      Path kubeconfig = home.resolve("kubeconfig.yaml");
      Files.writeString(kubeconfig, OperatorProcess.kubeconfig(api.url("/")));
      Map<String, String> environment = Map.of("KUBECONFIG", kubeconfig.toString());

      OperatorProcess.Exit text = run(environment);
      OperatorProcess.Exit json = run(Map.of("KUBECONFIG", kubeconfig.toString(), "LOG_FORMAT", "json"));

      assertThat(text.code()).isEqualTo(1);
      assertThat(text.stdout()).isEmpty();
      assertThat(text.stderr().lines()).singleElement().asString()
          .startsWith("Cannot start: the Kubernetes API at " + api.url("/") + " has no CRDs "
              + "permissionsetprovisionings.identitycenter.operators.dev, "
              + "identitycenterconnections.identitycenter.operators.dev, "
              + "clusteridentitycenterconnections.identitycenter.operators.dev (version v1alpha1): install the CRDs "
              + "with kubectl apply -k crds/");
      // a log pipeline reads a container's two streams as one: with LOG_FORMAT=json both hold JSON only
      assertThat(json.code()).isEqualTo(1);
      assertThat(json.stderr()).isEmpty();
      assertThat(json.stdout().lines()).singleElement().satisfies(line -> {
        assertThat(JSON.readTree(line).path("log.level").asText()).isEqualTo("ERROR");
        assertThat(JSON.readTree(line).path("message").asText()).startsWith("Cannot start: the Kubernetes API at ")
            .contains("kubectl apply -k crds/");
      });
    } finally {
      api.destroy();
    }
  }

  @Test
  void theUsageListsNoVariableTheOperatorDoesNotRead() throws Exception {
    OperatorProcess.Exit exit = run(Map.of(), "--help");
    List<String> known = new ArrayList<>(environmentVariables());
    known.addAll(List.of("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"));

    List<String> listed = exit.stdout().lines().map(String::trim).filter(line -> line.matches("[A-Z_]{4,}\\b.*"))
        .flatMap(line -> Arrays.stream(line.split("\\s{2,}")[0].split(",\\s*"))).toList();
    assertThat(known).containsAll(listed);
  }
}
