package dev.operators.permissionset.testing;

import dev.operators.permissionset.Main;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.CloudCredentials;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator as its own JVM, started the way the image starts it ({@code java ... Main run}, no JVM options) on
 * the project's runtime classpath, so that its CPU time, memory and threads are its own and it can be killed as a
 * pod is. Only the operator's namespace, the kubeconfig and the health port are set, and the settings the run asks
 * for; every other setting keeps its production default. The cloud it reaches is the default connection's, unless a
 * resource names another.
 */
public final class OperatorProcess implements AutoCloseable {

  /** Written by the build (maven-dependency-plugin build-classpath): the runtime dependencies, without tests'. */
  public static final Path RUNTIME_CLASSPATH = Path.of("target", "runtime-classpath.txt");
  public static final Path CLASSES = Path.of("target", "classes");

  /** A benchmark's clock starts at the first ready answer: asked often, it is late by little. */
  private static final Duration READY_POLL = Duration.ofMillis(50);
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
  private static final Pattern STATUS_KILOBYTES = Pattern.compile("^(\\w+):\\s+(\\d+) kB$");

  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final HttpRequest readyz;
  private final Thread killOnExit;

  /** How a run of the operator's command line ended, and what it printed on each stream. */
  public record Exit(int code, String stdout, String stderr) {
  }

  /** What /proc says about the process now. */
  public record Usage(Duration cpu, long peakResidentBytes, int threads) {
  }

  /** The Identity Center the default connection reaches, and its credentials. */
  public record Cloud(URI endpoint, String accessKey, String secretKey, String domainId) {

    CloudCredentials credentials() {
      return new CloudCredentials(accessKey, secretKey, Optional.empty(), Optional.of(domainId));
    }
  }

  private OperatorProcess(Process process, Path log, int healthPort) {
    this.process = process;
    this.log = log;
    this.readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
        .timeout(Duration.ofSeconds(2)).build();
    // a run stopped with Ctrl-C must not leave an operator running
    this.killOnExit = new Thread(process::destroyForcibly, "stop-operator-process");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts the operator. Unless the caller made one of its own, it first creates the ClusterIdentityCenterConnection
   * {@code default} that reaches {@code cloud}, admitting {@link TestConnections#TEST_NAMESPACES}.
   *
   * @param log where the operator's output goes; its kubeconfig goes next to it
   * @param kubernetes a client of the embedded Kubernetes API, which the operator is pointed at
   * @param cloud the simulator
   * @param settings further environment variables of the operator
   */
  public static OperatorProcess start(Path log, KubernetesClient kubernetes, Cloud cloud,
      Map<String, String> settings) throws IOException {
    TestConnections.defaultUnlessPresent(kubernetes, cloud.endpoint(), cloud.credentials(),
        TestConnections.TEST_NAMESPACES);
    return start(log, kubernetes, settings);
  }

  /**
   * Starts the operator over the connections the caller made, such as an AWS one as {@code default}.
   *
   * @param log where the operator's output goes; its kubeconfig goes next to it
   * @param kubernetes a client of the embedded Kubernetes API, which the operator is pointed at
   * @param settings further environment variables of the operator
   */
  public static OperatorProcess start(Path log, KubernetesClient kubernetes, Map<String, String> settings)
      throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    Path kubeconfig = log.resolveSibling("kubeconfig.yaml");
    Files.writeString(kubeconfig, kubeconfig(kubernetes.getConfiguration().getMasterUrl()));
    int healthPort = freePort();
    ProcessBuilder builder = new ProcessBuilder(List.of(javaExecutable(), "-cp", runtimeClasspath(),
        Main.class.getName(), "run"))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    // nothing of the caller's environment (JAVA_TOOL_OPTIONS, LOG_LEVEL, a real KUBECONFIG) may change the run
    environment.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TZ"));
    environment.putAll(settings);
    environment.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    environment.put(OperatorConfig.POD_NAMESPACE, TestConnections.OPERATOR_NAMESPACE);
    environment.put(OperatorConfig.HEALTH_PORT, Integer.toString(healthPort));
    return new OperatorProcess(builder.start(), log, healthPort);
  }

  /**
   * Runs the operator's command line to its end, as {@code java -jar} runs it, in an environment of only PATH, the
   * given variables, and a home directory of its own (so no kubeconfig of the caller's is found).
   *
   * @param home the process's home directory (HOME and user.home)
   */
  public static Exit runToExit(Path home, Map<String, String> environment, Duration timeout, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Duser.home=" + home.toAbsolutePath(), "-cp",
        runtimeClasspath(), Main.class.getName()));
    command.addAll(List.of(arguments));
    Path stdout = Files.createTempFile("operator-stdout", ".txt");
    Path stderr = Files.createTempFile("operator-stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    builder.environment().keySet().retainAll(List.of("PATH"));
    builder.environment().putAll(environment);
    builder.environment().put("HOME", home.toAbsolutePath().toString());
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("the operator's command line " + List.of(arguments) + " did not end within "
            + timeout.toSeconds() + " s; its output:\n" + Files.readString(stdout) + Files.readString(stderr));
      }
      return new Exit(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Waits until /readyz answers 200: the operator started and its informer listed every resource. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (isReady()) {
        return;
      }
      pause(READY_POLL);
    }
    throw new IllegalStateException("the operator was not ready within " + timeout.toSeconds() + " s; see "
        + log.toAbsolutePath() + ":\n" + tail());
  }

  /**
   * Whether /readyz answers 200 now.
   *
   * @throws IllegalStateException when the process exited on its own
   */
  public boolean isReady() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the operator exited with code " + process.exitValue() + " before it was "
          + "ready; see " + log.toAbsolutePath() + ":\n" + tail());
    }
    try {
      return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      // not listening yet
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the operator", e);
    }
  }

  /** CPU time (user and system) from start, peak resident set (VmHWM) and live threads. */
  public Usage usage() {
    Duration cpu = process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    long peakResident = 0;
    int threads = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        Matcher kilobytes = STATUS_KILOBYTES.matcher(line);
        if (kilobytes.matches() && kilobytes.group(1).equals("VmHWM")) {
          peakResident = Long.parseLong(kilobytes.group(2)) * 1024;
        } else if (line.startsWith("Threads:")) {
          threads = Integer.parseInt(line.substring("Threads:".length()).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/" + pid() + "/status; usage needs Linux", e);
    }
    return new Usage(cpu, peakResident, threads);
  }

  /**
   * The bytes of all live objects, from a class histogram, which the JVM takes right after a full GC. Empty
   * when jcmd cannot attach (a JRE without jcmd, or attach disabled).
   */
  public OptionalLong liveHeapAfterFullGc() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return OptionalLong.empty();
    }
    try {
      Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
          .redirectErrorStream(true).start();
      String output = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!histogram.waitFor(2, TimeUnit.MINUTES) || histogram.exitValue() != 0) {
        return OptionalLong.empty();
      }
      Matcher total = HISTOGRAM_TOTAL.matcher(output);
      return total.find() ? OptionalLong.of(Long.parseLong(total.group(2))) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  /** The last lines of the operator's log, to explain a failure. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Kills the JVM with SIGKILL, as the kubelet kills a container that does not stop or the kernel an OOM one. */
  public void kill() {
    Runtime.getRuntime().removeShutdownHook(killOnExit);
    try {
      process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    Runtime.getRuntime().removeShutdownHook(killOnExit);
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** A kubeconfig whose current context reaches the API at {@code kubernetesUrl}. */
  public static String kubeconfig(String kubernetesUrl) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: embedded
            cluster:
              server: %s
              insecure-skip-tls-verify: true
        users:
          - name: embedded
            user:
              token: embedded
        contexts:
          - name: embedded
            context: {cluster: embedded, user: embedded}
        current-context: embedded
        """.formatted(kubernetesUrl);
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String runtimeClasspath() throws IOException {
    if (!Files.isRegularFile(RUNTIME_CLASSPATH) || !Files.isDirectory(CLASSES)) {
      throw new IllegalStateException("no " + RUNTIME_CLASSPATH + " or " + CLASSES + "; run from the project's root "
          + "through Maven (mvn test -Dtest=..., or mvn -Pbenchmark), which writes them");
    }
    List<String> entries = new ArrayList<>();
    entries.add(CLASSES.toAbsolutePath().toString());
    Optional.of(Files.readString(RUNTIME_CLASSPATH).trim()).filter(text -> !text.isEmpty())
        .ifPresent(entries::add);
    return String.join(File.pathSeparator, entries);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
