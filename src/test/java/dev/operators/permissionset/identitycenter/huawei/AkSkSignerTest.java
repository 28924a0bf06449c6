package dev.operators.permissionset.identitycenter.huawei;

import static org.assertj.core.api.Assertions.assertThat;

import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.SignableRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The published test vectors, produced by the official SDK signer and an independent re-implementation. */
class AkSkSignerTest {

  private static final String HOST = "identitycenter.myhuaweicloud.com";
  private static final String DATE = "20240102T030405Z";
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static TreeMap<String, String> headers(String... extra) {
    TreeMap<String, String> headers = new TreeMap<>(Map.of("host", HOST, "x-sdk-date", DATE));
    for (int i = 0; i < extra.length; i += 2) {
      headers.put(extra[i], extra[i + 1]);
    }
    return headers;
  }

  @Test
  void describeWithoutQueryOrBody() {
    SignableRequest request = new SignableRequest("GET",
        "/v1/instances/ins-1/permission-sets/provisioning-status/11111111-2222-3333-4444-555555555555", List.of(),
        headers(), EMPTY_SHA256);

    assertThat(AkSkSigner.canonicalRequest(request)).isEqualTo("GET\n"
        + "/v1/instances/ins-1/permission-sets/provisioning-status/11111111-2222-3333-4444-555555555555/\n"
        + "\n"
        + "host:identitycenter.myhuaweicloud.com\n"
        + "x-sdk-date:20240102T030405Z\n"
        + "\n"
        + "host;x-sdk-date\n"
        + EMPTY_SHA256);
    assertThat(AkSkSigner.signature(request, "SKEXAMPLE"))
        .isEqualTo("b80f05fc60b09064ab4cb2a75bd9d9c947d2dd1f0b9c32f75d86de7337178c4b");
  }

  @Test
  void queryParametersAreSortedByName() {
    SignableRequest request = new SignableRequest("GET", "/v1/instances/ins-1/permission-sets/ps-1/accounts",
        List.of(Map.entry("provisioning_status", "LATEST_PERMISSION_SET_NOT_PROVISIONED"), Map.entry("limit", "100")),
        headers(), EMPTY_SHA256);

    assertThat(AkSkSigner.signature(request, "SKEXAMPLE"))
        .isEqualTo("4bee8f4870897e698f039f8636df96aca8df5366b12b907f1c420da0f626afc2");
  }

  @Test
  void reservedCharactersInQueryValuesArePercentEncoded() {
    SignableRequest request = new SignableRequest("GET", "/v1/instances/ins-1/permission-sets",
        List.of(Map.entry("name", "My Set*~"), Map.entry("limit", "100")),
        headers("user-agent", "huaweicloud-usdk-java/3.0", "x-domain-id", "dom123"), EMPTY_SHA256);

    assertThat(AkSkSigner.canonicalQuery(request.query())).isEqualTo("limit=100&name=My%20Set%2A~");
    assertThat(AkSkSigner.signature(request, "SKEXAMPLE"))
        .isEqualTo("ce8de4944e6602232de119d431dfe24d50c26d3771f533bb0ac60c1ed634f373");
  }

  @Test
  void bodyAndSecurityTokenAreSigned() {
    byte[] body = "{\"target_id\":\"acc-1\",\"target_type\":\"ACCOUNT\"}".getBytes(StandardCharsets.UTF_8);
    SignableRequest request = new SignableRequest("POST", "/v1/instances/ins-1/permission-sets/ps-1/provision",
        List.of(), headers("x-domain-id", "dom123", "x-security-token", "tok"), AkSkSigner.sha256Hex(body));

    assertThat(AkSkSigner.authorization(request, "AKEXAMPLE", "SKEXAMPLE")).isEqualTo(
        "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-domain-id;x-sdk-date;x-security-token, "
            + "Signature=a16d51d1ca210164cc08c5d845f629570831b4e00602c13f36382b2c439e5b64");
  }

  @Test
  void authorizationHeaderParsesBack() {
    SignableRequest request = new SignableRequest("GET", "/", List.of(), headers(), EMPTY_SHA256);
    String header = AkSkSigner.authorization(request, "AKEXAMPLE", "SKEXAMPLE");

    AkSkSigner.Authorization parsed = AkSkSigner.parseAuthorization(header).orElseThrow();

    assertThat(parsed.accessKey()).isEqualTo("AKEXAMPLE");
    assertThat(parsed.signedHeaders()).containsExactly("host", "x-sdk-date");
    assertThat(parsed.signature()).isEqualTo(AkSkSigner.signature(request, "SKEXAMPLE"));
    assertThat(AkSkSigner.parseAuthorization("Bearer abc")).isEmpty();
  }
}
