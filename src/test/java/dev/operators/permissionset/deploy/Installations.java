package dev.operators.permissionset.deploy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The ways to install the operator that the manifest checks run on: deploy/ as kubectl renders it, and the Helm
 * chart with its defaults (the same objects), with watchNamespaces set (Roles per namespace), and with every option
 * on. Each is rendered once per test run.
 */
final class Installations {

  /** Renders one installation's manifests. */
  @FunctionalInterface
  interface Rendering {
    RenderedDeploy render() throws Exception;
  }

  private static final Map<String, RenderedDeploy> RENDERED = new ConcurrentHashMap<>();

  private Installations() {
  }

  static Stream<Named<Rendering>> all() {
    return Stream.concat(Stream.of(named("deploy/", RenderedDeploy::render)), chart());
  }

  static Stream<Named<Rendering>> chart() {
    return Stream.of(
        named("chart, defaults", () -> HelmChart.template(Map.of())),
        named("chart, watchNamespaces set", () -> HelmChart.template(Map.of(), HelmChart.NAMESPACED_VALUES)),
        named("chart, every option on", () -> HelmChart.template(Map.of(), HelmChart.ALL_FEATURES_VALUES)));
  }

  private static Named<Rendering> named(String name, Rendering rendering) {
    return Named.of(name, () -> {
      RenderedDeploy rendered = RENDERED.get(name);
      if (rendered == null) {
        rendered = rendering.render();
        RENDERED.put(name, rendered);
      }
      return rendered;
    });
  }
}
