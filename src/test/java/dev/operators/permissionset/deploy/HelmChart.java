package dev.operators.permissionset.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The Helm chart in deploy/helm, rendered offline by Helm itself (helm-java bundles it as a library). */
final class HelmChart {

  static final Path CHART = Path.of("deploy", "helm", "permission-set-operator");
  /** The chart's test values (the chart-testing convention), each a variant the tests render. */
  static final Path NAMESPACED_VALUES = CHART.resolve("ci/namespaced-values.yaml");
  static final Path ALL_FEATURES_VALUES = CHART.resolve("ci/all-features-values.yaml");
  /** The release and namespace that make the chart's names deploy/'s. */
  static final String RELEASE = "permission-set-operator";
  static final String NAMESPACE = "permission-set-operator";

  private HelmChart() {
  }

  static Helm helm() {
    return new Helm(CHART);
  }

  /** {@code helm template permission-set-operator CHART -n permission-set-operator [-f FILE] [--set K=V]}. */
  static String templateText(Map<String, ?> values, Path... valuesFiles) {
    TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
    for (Path file : valuesFiles) {
      template = template.withValuesFile(file);
    }
    for (Map.Entry<String, ?> value : values.entrySet()) {
      template = template.set(value.getKey(), value.getValue());
    }
    return template.call();
  }

  static RenderedDeploy template(Map<String, ?> values, Path... valuesFiles) throws IOException {
    return RenderedDeploy.of(templateText(values, valuesFiles));
  }
}
