package dev.operators.permissionset.deploy;

import static dev.operators.permissionset.identitycenter.ProvisioningStatus.SUCCEEDED;
import static dev.operators.permissionset.testing.DemoWorld.ANALYTICS;
import static dev.operators.permissionset.testing.DemoWorld.NAMESPACE;
import static dev.operators.permissionset.testing.DemoWorld.PAYMENTS;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY;
import static dev.operators.permissionset.testing.DemoWorld.READ_ONLY_NAME;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.error;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.failed;
import static dev.operators.permissionset.testing.FakeIdentityCenter.Outcome.status;
import static dev.operators.permissionset.testing.Provisionings.toAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.operators.permissionset.config.OperatorConfig;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import dev.operators.permissionset.runtime.PermissionSetOperator;
import dev.operators.permissionset.testing.AwaitStatus;
import dev.operators.permissionset.testing.FakeIdentityCenter;
import dev.operators.permissionset.testing.KubernetesTestServer;
import dev.operators.permissionset.testing.TestOperators;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule's alerts watch what the operator exports: every metric name in their expressions appears in
 * the operator's own scrape, after a run that throttles, provisions, fails and stalls, and finds a provisioned
 * permission set changed in the cloud since. An alert on a misspelt or absent series would never fire.
 */
class AlertRulesTest {

  /** PromQL words that are not series: aggregations, functions, keywords. */
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "and", "or", "unless", "bool", "offset");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  /** The scrape once the drift checks found the one provisioned resource out of date. */
  private static final Pattern OUT_OF_DATE_ONE =
      Pattern.compile("(?m)^permissionset_resources_out_of_date(\\{})? 1\\.0$");

  /** The alerts of the chart's PrometheusRule (deploy/monitoring holds the same, HelmChartTest checks). */
  private static Map<String, String> alerts() throws Exception {
    RenderedDeploy chart = HelmChart.template(Map.of("metrics.prometheusRule.enabled", true));
    Map<String, String> expressions = new LinkedHashMap<>();
    for (JsonNode group : chart.only("PrometheusRule").path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        expressions.put(rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    return expressions;
  }

  /**
   * The series names an expression reads: what remains once strings, matchers, ranges, numbers, durations, grouping
   * labels, calls and keywords are gone.
   */
  static Set<String> metricNames(String expression) {
    String bare = expression
        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", " ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b[0-9][0-9.]*[a-zA-Z]*", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(bare);
    while (identifier.find()) {
      String word = identifier.group();
      boolean called = bare.substring(identifier.end()).matches("(?s)\\s*\\(.*");
      if (!called && !PROMQL_WORDS.contains(word)) {
        names.add(word);
      }
    }
    return names;
  }

  private static Set<String> scrapedNames(String scrape) {
    return scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> line.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void readingAnExpressionFindsItsSeriesOnly() {
    assertThat(metricNames("(sum(up{job=\"a\", x=~\"b|c\"}) or vector(0)) < 1")).containsExactly("up");
    assertThat(metricNames("max by (result, reason) (a_total{reason!=\"X\"}) > 0 and on() b:rate5m"))
        .containsExactly("a_total", "b:rate5m");
    assertThat(metricNames("sum(rate(c_seconds_bucket[5m] offset 1h)) / sum(rate(c_seconds_count[5m]))"))
        .containsExactly("c_seconds_bucket", "c_seconds_count");
  }

  @Test
  void everyAlertReadsOnlySeriesTheOperatorExports() throws Exception {
    FakeIdentityCenter cloud = new FakeIdentityCenter().withPermissionSet(READ_ONLY, READ_ONLY_NAME);
    cloud.onProvision(error(new IdentityCenterException("ProvisionPermissionSet", ErrorCategory.THROTTLED, 429,
        "APIG.0308", "The throttling threshold has been reached", null, null)), status(SUCCEEDED),
        failed("the account is closed"));
    String scrape;
    try (KubernetesTestServer kubernetes = KubernetesTestServer.start();
        PermissionSetOperator operator = TestOperators.start(kubernetes.client(), cloud,
            Map.of(OperatorConfig.DRIFT_CHECK_INTERVAL, "1s"))) {
      kubernetes.client().resource(toAccount("throttled-then-provisioned", READ_ONLY, PAYMENTS)).create();
      AwaitStatus.withReason(kubernetes.client(), NAMESPACE, "throttled-then-provisioned", "Provisioned");
      kubernetes.client().resource(toAccount("failed", READ_ONLY, ANALYTICS)).create();
      AwaitStatus.withReason(kubernetes.client(), NAMESPACE, "failed", "ProvisioningFailed");
      kubernetes.client().resource(toAccount("invalid", READ_ONLY, null)).create();
      AwaitStatus.withReason(kubernetes.client(), NAMESPACE, "invalid", "InvalidSpec");
      cloud.outOfDate(READ_ONLY, PAYMENTS);
      scrape = await().atMost(Duration.ofSeconds(30)).until(operator::scrapeMetrics,
          OUT_OF_DATE_ONE.asPredicate());
    }
    Set<String> exported = scrapedNames(scrape);
    Map<String, String> alerts = alerts();

    assertThat(alerts.keySet()).containsExactlyInAnyOrder("PermissionSetOperatorNoLeader",
        "PermissionSetProvisioningStalled", "PermissionSetProvisioningTimedOut", "PermissionSetProvisioningOutOfDate",
        "IdentityCenterThrottling");
    alerts.forEach((alert, expression) -> assertThat(metricNames(expression)).as(alert + ": " + expression)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(exported).as(alert + " reads " + name + ", which the operator does not export")
            .contains(name)));
    assertThat(scrape)
        .contains("permissionset_provisioning_resources_stalled{reason=\"InvalidSpec\",result=\"stalled\"} 1.0")
        .contains("permissionset_provisioning_resources_stalled{reason=\"ProvisioningFailed\",result=\"failed\"} 1.0")
        .contains("identitycenter_client_throttled_total{operation=\"provision\"} 1.0")
        .containsPattern(OUT_OF_DATE_ONE);
  }
}
