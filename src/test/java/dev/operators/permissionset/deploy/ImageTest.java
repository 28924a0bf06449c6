package dev.operators.permissionset.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.Main;
import dev.operators.permissionset.runtime.JsonLogProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The Dockerfile and the pom's jib profile: one image, reproducible, bounded in memory, JSON logs intact. */
class ImageTest {

  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final String JAR = "-jar /app/permission-set-operator.jar";
  private static final Pattern PINNED = Pattern.compile("FROM \\S+:\\S+@sha256:[0-9a-f]{64}( AS \\S+)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> lines() throws IOException {
    return Files.readAllLines(DOCKERFILE).stream().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
  }

  private static List<String> runtimeStage() throws IOException {
    List<String> lines = lines();
    int last = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("FROM ")) {
        last = i;
      }
    }
    return lines.subList(last, lines.size());
  }

  /** The ENTRYPOINT's exec form: /bin/sh -c SCRIPT NAME. */
  private static List<String> entrypoint() throws IOException {
    String line = runtimeStage().stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    List<String> entrypoint = new ArrayList<>();
    JSON.readTree(line.substring("ENTRYPOINT ".length())).forEach(part -> entrypoint.add(part.asText()));
    return entrypoint;
  }

  /** The texts the XPath selects in pom.xml, in document order. */
  private static List<String> pom(String xpath) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, pom, XPathConstants.NODESET);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent());
    }
    return texts;
  }

  private static List<String> jib(String path) throws Exception {
    return pom("/*[local-name()='project']/*[local-name()='profiles']/*[local-name()='profile']"
        + "[*[local-name()='id']='jib']//*[local-name()='plugin']/*[local-name()='configuration']/" + path);
  }

  @Test
  void buildsInTwoStagesAndRunsAJreAsANonRootUser() throws IOException {
    assertThat(lines()).filteredOn(line -> line.startsWith("FROM ")).hasSize(2);
    List<String> runtime = runtimeStage();
    assertThat(runtime.get(0)).contains("-jre").doesNotContain("maven").doesNotContain("jdk");
    assertThat(runtime).noneMatch(line -> line.startsWith("RUN "));
    assertThat(runtime).anySatisfy(line -> assertThat(line).matches("USER [1-9][0-9]*(:[1-9][0-9]*)?"));
    assertThat(runtime.get(runtime.size() - 1)).startsWith("ENTRYPOINT ").contains("/app/permission-set-operator.jar");
  }

  @Test
  void baseImagesArePinnedByDigestAndJibStartsFromTheSameRuntime() throws Exception {
    List<String> froms = lines().stream().filter(line -> line.startsWith("FROM ")).toList();

    assertThat(froms).allSatisfy(from -> assertThat(from).matches(PINNED));
    assertThat(jib("*[local-name()='from']/*[local-name()='image']")).singleElement()
        .isEqualTo(runtimeStage().get(0).substring("FROM ".length()));
  }

  @Test
  void theDependencyLayerIsThePackageBuildOnThePomAloneSoThatTheSourcesBuildOffline() throws IOException {
    List<String> build = lines().subList(0, lines().indexOf(runtimeStage().get(0)));
    List<String> runs = build.stream().filter(line -> line.startsWith("RUN ")).toList();
    int sources = build.indexOf("COPY src/main src/main");

    assertThat(runs).hasSize(2);
    assertThat(build.indexOf(runs.get(0))).isBetween(build.indexOf("COPY pom.xml ."), sources);
    assertThat(build.indexOf(runs.get(1))).isGreaterThan(sources);
    assertThat(runs.get(0)).startsWith("RUN mvn -B -q -Dmaven.test.skip=true package");
    assertThat(runs.get(1)).isEqualTo("RUN mvn -B -q -o -Dmaven.test.skip=true package");
    // -DskipTests still compiles the tests; go-offline misses what plugins resolve late
    assertThat(String.join("\n", build)).doesNotContain("-DskipTests").doesNotContain("go-offline");
  }

  @Test
  void jvmOptionsAreTheLaunchersNotVariablesTheJvmAnnounces() throws Exception {
    List<String> entrypoint = entrypoint();
    String script = entrypoint.get(2);
    List<Path> manifests;
    try (Stream<Path> files = Files.walk(Path.of("deploy"))) {
      manifests = files.filter(file -> file.toString().endsWith(".yaml")).toList();
    }

    assertThat(entrypoint).hasSize(4).startsWith("/bin/sh", "-c");
    assertThat(script).startsWith("exec java ").contains("-XX:MaxRAMPercentage=50", "$JAVA_OPTS", JAR + " \"$@\"");
    // the JVM writes "Picked up JAVA_TOOL_OPTIONS: ..." to stderr, which is no JSON log line
    assertThat(String.join("\n", lines())).doesNotContain("JAVA_TOOL_OPTIONS").doesNotContain("JDK_JAVA_OPTIONS");
    for (Path file : Stream.concat(Stream.of(Path.of("pom.xml")), manifests.stream()).toList()) {
      assertThat(Files.readString(file)).as(file.toString()).doesNotContain("JAVA_TOOL_OPTIONS")
          .doesNotContain("JDK_JAVA_OPTIONS");
    }
    String container = "*[local-name()='container']/";
    assertThat(jib(container + "*[local-name()='entrypoint']/*")).containsExactly("/bin/sh", "-c",
        script.replace(JAR, "-cp @/app/jib-classpath-file ${main.class}"), entrypoint.get(3));
    assertThat(pom("/*[local-name()='project']/*[local-name()='properties']/*[local-name()='main.class']"))
        .containsExactly(Main.class.getName());
    assertThat(jib(container + "*[local-name()='user']")).singleElement().isEqualTo(runtimeStage().stream()
        .filter(line -> line.startsWith("USER ")).findFirst().orElseThrow().substring("USER ".length()));
  }

  /**
   * The ENTRYPOINT's script as the image runs it, with the probe in place of the jar: JAVA_OPTS reaches the JVM word
   * by word (here the log configuration and a stack size), and with LOG_FORMAT=json the JVM adds no line of its own.
   */
  @Test
  void theLauncherPassesJavaOptsAndEveryLineIsJson() throws Exception {
    List<String> entrypoint = entrypoint();
    String probe = "-cp " + System.getProperty("java.class.path") + " " + JsonLogProbe.class.getName();
    ProcessBuilder builder = new ProcessBuilder(entrypoint.get(0), entrypoint.get(1),
        entrypoint.get(2).replace(JAR, probe), entrypoint.get(3)).redirectErrorStream(true);
    builder.environment().keySet().retainAll(List.of("LANG", "TZ"));
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    // the test classpath also holds log4j2-test.xml: only this option makes the probe log as the image does
    builder.environment().put("JAVA_OPTS", "-Dlog4j2.configurationFile=log4j2.xml -Xss1m");
    builder.environment().put("LOG_FORMAT", "json");

    Process launched = builder.start();
    String output = new String(launched.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(launched.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(launched.exitValue()).as(output).isZero();
    List<String> lines = output.lines().toList();
    assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(JSON.readTree(line).path("service.name").asText())
        .as(line).isEqualTo("permission-set-operator"));
  }
}
