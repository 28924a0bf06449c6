package dev.operators.permissionset.identitycenter.huawei;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.huaweicloud.sdk.core.auth.AKSKSigner;
import com.huaweicloud.sdk.core.auth.GlobalCredentials;
import com.huaweicloud.sdk.core.http.HttpMethod;
import com.huaweicloud.sdk.core.http.HttpRequest;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.SignableRequest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The official SDK's signer as the oracle for ours: both sign the same randomly generated requests, and the
 * Authorization headers must be identical. The SDK takes the path as it is (it never decodes it), so it is given
 * the decoded path that {@link SignableRequest#path()} holds.
 */
class AkSkSignerOracleTest {

  private static final long SEED = 0x5EED_1DC0L;
  private static final int REQUESTS = 500;
  private static final List<String> ENDPOINTS = List.of("https://identitycenter.myhuaweicloud.com",
      "http://127.0.0.1:8080", "https://iic.example.test:8443");
  private static final List<String> PATH_PIECES = List.of("a", "Z", "0", "9", "-", "_", ".", "~", "*", " ", "+",
      "%", "%20", "%2F", "!", "'", "(", ")", "=", "&", ":", "@", ",", ";", "$", "é", "中", "😀", "ins-1",
      "permission-sets");
  // the SDK's own URL carries query names unencoded, and it then signs such a name twice (see below)
  private static final List<String> QUERY_NAME_PIECES = List.of("a", "Z", "0", "9", "-", "_", ".", "~", "limit",
      "name", "marker", "permission_set_id");
  private static final List<String> QUERY_PIECES = List.of("a", "Z", "0", "9", "-", "_", ".", "~", "*", " ", "+",
      "%", "%2B", "&", "=", "?", "#", "/", "!", "'", "(", ")", ":", "@", ",", ";", "$", "[", "]", "é", "中", "😀",
      "limit", "name", "marker");
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request, described once and handed to both signers. */
  private record Sample(String method, String endpoint, String path, List<Map.Entry<String, String>> query,
      String body, String date, Optional<String> domainId, Optional<String> securityToken, String accessKey,
      String secretKey) {
  }

  @Test
  void ourSignatureIsTheSdksForRandomRequests() {
    Random random = new Random(SEED);
    List<String> mismatches = new ArrayList<>();
    int withQuery = 0;
    int withBody = 0;
    int withToken = 0;
    int withDomainId = 0;
    for (int i = 0; i < REQUESTS; i++) {
      Sample sample = randomSample(random);
      String ours = ours(sample);
      String sdk = sdk(sample);
      if (!ours.equals(sdk)) {
        mismatches.add(sample + "\n  ours: " + ours + "\n  sdk:  " + sdk);
      }
      withQuery += sample.query().isEmpty() ? 0 : 1;
      withBody += sample.body() == null ? 0 : 1;
      withToken += sample.securityToken().isPresent() ? 1 : 0;
      withDomainId += sample.domainId().isPresent() ? 1 : 0;
    }

    assertThat(mismatches).isEmpty();
    // the generator really covers every kind of request, or the comparison proves little
    assertThat(List.of(withQuery, withBody, withToken, withDomainId))
        .allSatisfy(count -> assertThat(count).isBetween(REQUESTS / 5, REQUESTS - REQUESTS / 5));
  }

  @Test
  void theSdkEncodesAPercentInThePathAgainSoItsPathIsTheDecodedOne() {
    Sample preEncoded = sample("GET", "/v1/instances/a%20b", List.of(), null);

    String sdk = sdk(preEncoded);

    assertThat(AkSkSigner.canonicalUri("/v1/instances/a%20b")).isEqualTo("/v1/instances/a%2520b/");
    assertThat(sdk).isEqualTo(ours(preEncoded));
    assertThat(sdk).isNotEqualTo(ours(sample("GET", "/v1/instances/a b", List.of(), null)));
  }

  @Test
  void theSdkNeverSignsTheContentType() {
    Sample post = sample("POST", "/v1/instances/ins-1/permission-sets/ps-1/provision", List.of(),
        "{\"target_id\":\"acc-1\",\"target_type\":\"ACCOUNT\"}");

    Map<String, String> sdkHeaders = AKSKSigner.getInstance().sign(sdkRequest(post),
        new GlobalCredentials().withAk(post.accessKey()).withSk(post.secretKey()));

    assertThat(AkSkSigner.parseAuthorization(sdkHeaders.get("Authorization")).orElseThrow().signedHeaders())
        .containsExactly("host", "x-domain-id", "x-sdk-date", "x-security-token");
    assertThat(sdkHeaders.get("Authorization")).isEqualTo(ours(post));
  }

  @Test
  void repeatedAndEmptyQueryValuesAreSignedAsTheSdkDoes() {
    Sample sample = sample("GET", "/v1/instances/ins-1/permission-sets",
        List.of(Map.entry("name", "b"), Map.entry("name", "a"), Map.entry("marker", ""), Map.entry("limit", "1")),
        null);

    assertThat(AkSkSigner.canonicalQuery(sample.query())).isEqualTo("limit=1&marker=&name=b&name=a");
    assertThat(ours(sample)).isEqualTo(sdk(sample));
  }

  @Test
  void theSdkSignsAQueryNameThatNeedsEncodingTwiceSoTheGeneratorAvoidsSuchNames() {
    Sample sample = sample("GET", "/v1/x", List.of(Map.entry("a:b", "1")), null);

    assertThat(AkSkSigner.canonicalQuery(sample.query())).isEqualTo("a%3Ab=1");
    assertThat(sdk(sample)).isNotEqualTo(ours(sample));
    assertThat(canonicalQueryOfTheSdk(sample)).isEqualTo("a%3Ab=1&a:b=1");
  }

  /** The SDK's signer, keeping the canonical request it builds. */
  private static final class CapturingSdkSigner extends AKSKSigner {
    private String[] canonicalParts;

    @Override
    protected String buildCanonicalRequest(String... segments) {
      canonicalParts = segments.clone();
      return super.buildCanonicalRequest(segments);
    }
  }

  private static String canonicalQueryOfTheSdk(Sample sample) {
    CapturingSdkSigner signer = new CapturingSdkSigner();
    signer.sign(sdkRequest(sample), new GlobalCredentials().withAk(sample.accessKey()).withSk(sample.secretKey()));
    return signer.canonicalParts[2];
  }

  private static Sample sample(String method, String path, List<Map.Entry<String, String>> query, String body) {
    return new Sample(method, "https://identitycenter.myhuaweicloud.com", path, query, body, "20240102T030405Z",
        Optional.of("dom123"), Optional.of("tok+/="), "AKEXAMPLE", "SKEXAMPLE");
  }

  private static Sample randomSample(Random random) {
    String method = METHODS.get(random.nextInt(METHODS.size()));
    StringBuilder path = new StringBuilder();
    int segments = 1 + random.nextInt(5);
    for (int i = 0; i < segments; i++) {
      path.append('/').append(randomText(random, PATH_PIECES, 0, 4));
    }
    if (random.nextInt(5) == 0) {
      path.append('/');
    }
    // the SDK trims the URL it builds, so a path that ends in a space is not the path it signs
    if (path.charAt(path.length() - 1) == ' ') {
      path.append('a');
    }
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    int parameterCount = random.nextBoolean() ? 0 : 1 + random.nextInt(4);
    while (parameters.size() < parameterCount) {
      List<String> values = new ArrayList<>();
      values.add(randomText(random, QUERY_PIECES, 0, 4));
      if (random.nextInt(6) == 0) {
        values.add(randomText(random, QUERY_PIECES, 0, 3));
      }
      parameters.put(randomText(random, QUERY_NAME_PIECES, 1, 4), values);
    }
    List<Map.Entry<String, String>> query = new ArrayList<>();
    parameters.forEach((key, values) -> values.forEach(value -> query.add(Map.entry(key, value))));
    String body = null;
    if (method.equals("POST") || method.equals("PUT")) {
      ObjectNode json = JSON.createObjectNode();
      json.put("target_id", randomText(random, PATH_PIECES, 0, 6));
      json.put("target_type", random.nextBoolean() ? "ACCOUNT" : "ALL_PROVISIONED_ACCOUNTS");
      body = json.toString();
    }
    Instant date = Instant.ofEpochSecond(1_577_836_800L + (long) random.nextInt(315_360_000));
    return new Sample(method, ENDPOINTS.get(random.nextInt(ENDPOINTS.size())), path.toString(), query, body,
        AkSkSigner.formatDate(date),
        random.nextBoolean() ? Optional.of(Long.toHexString(random.nextLong())) : Optional.empty(),
        random.nextBoolean() ? Optional.of(randomToken(random)) : Optional.empty(),
        "AK" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36).toUpperCase(),
        Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + randomToken(random));
  }

  private static String randomText(Random random, List<String> pieces, int min, int max) {
    StringBuilder text = new StringBuilder();
    int count = min + random.nextInt(max - min + 1);
    for (int i = 0; i < count; i++) {
      text.append(pieces.get(random.nextInt(pieces.size())));
    }
    return text.toString();
  }

  private static String randomToken(Random random) {
    byte[] bytes = new byte[12 + random.nextInt(24)];
    random.nextBytes(bytes);
    return java.util.Base64.getEncoder().encodeToString(bytes);
  }

  private static String ours(Sample sample) {
    TreeMap<String, String> headers = new TreeMap<>();
    headers.put("host", authority(sample.endpoint()));
    headers.put("x-sdk-date", sample.date());
    sample.domainId().ifPresent(id -> headers.put("x-domain-id", id));
    sample.securityToken().ifPresent(token -> headers.put("x-security-token", token));
    byte[] body = sample.body() == null ? new byte[0] : sample.body().getBytes(StandardCharsets.UTF_8);
    SignableRequest request = new SignableRequest(sample.method(), sample.path(), sample.query(), headers,
        AkSkSigner.sha256Hex(body));
    return AkSkSigner.authorization(request, sample.accessKey(), sample.secretKey());
  }

  private static String sdk(Sample sample) {
    return AKSKSigner.getInstance()
        .sign(sdkRequest(sample), new GlobalCredentials().withAk(sample.accessKey()).withSk(sample.secretKey()))
        .get("Authorization");
  }

  private static HttpRequest sdkRequest(Sample sample) {
    HttpRequest.HttpRequestBuilder request = HttpRequest.newBuilder()
        .withMethod(HttpMethod.valueOf(sample.method()))
        .withEndpoint(sample.endpoint())
        .withPath(sample.path())
        .addHeader("X-Sdk-Date", sample.date());
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    sample.query().forEach(entry -> parameters.computeIfAbsent(entry.getKey(), key -> new ArrayList<>())
        .add(entry.getValue()));
    parameters.forEach(request::addQueryParam);
    sample.domainId().ifPresent(id -> request.addHeader("X-Domain-Id", id));
    sample.securityToken().ifPresent(token -> request.addHeader("X-Security-Token", token));
    if (sample.body() != null) {
      request.withContentType("application/json").addHeader("Content-Type", "application/json")
          .withBodyAsString(sample.body());
    }
    return request.build();
  }

  private static String authority(String endpoint) {
    try {
      return new URL(endpoint).getAuthority();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(endpoint, e);
    }
  }
}
