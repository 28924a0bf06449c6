package dev.operators.permissionset.simulator.huawei;

import dev.operators.permissionset.identitycenter.huawei.AkSkSigner;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.Authorization;
import dev.operators.permissionset.identitycenter.huawei.AkSkSigner.SignableRequest;
import dev.operators.permissionset.simulator.HttpCall.Headers;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Checks an SDK-HMAC-SHA256 signature as the API gateway does, against the fixture's key pairs. */
final class SignatureVerifier {

  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

  private final Map<String, Credential> credentials;
  private final Clock clock;

  SignatureVerifier(List<Credential> credentials, Clock clock) {
    this.credentials = credentials.stream().collect(Collectors.toMap(Credential::accessKey, Function.identity()));
    this.clock = clock;
  }

  /** The caller's key pair when the request is signed right; otherwise the gateway's 401. */
  Credential verify(String method, String decodedPath, List<Map.Entry<String, String>> decodedQuery, Headers headers,
      byte[] body) {
    Authorization authorization = AkSkSigner.parseAuthorization(headers.first("Authorization"))
        .orElseThrow(() -> unauthorized("the Authorization header is missing or not SDK-HMAC-SHA256"));
    Credential credential = credentials.get(authorization.accessKey());
    if (credential == null) {
      throw unauthorized("the access key does not exist");
    }
    String date = headers.first(AkSkSigner.DATE_HEADER);
    if (date == null || !authorization.signedHeaders().contains("x-sdk-date")
        || !authorization.signedHeaders().contains("host")) {
      throw unauthorized("X-Sdk-Date and Host must be sent and signed");
    }
    checkSkew(date);
    TreeMap<String, String> signed = new TreeMap<>();
    for (String name : authorization.signedHeaders()) {
      String value = headers.first(name);
      if (value == null) {
        throw unauthorized("the signed header " + name + " is missing");
      }
      signed.put(name.toLowerCase(Locale.ROOT), value);
    }
    String payloadHash = Optional.ofNullable(headers.first(AkSkSigner.CONTENT_SHA256_HEADER))
        .orElseGet(() -> AkSkSigner.sha256Hex(body));
    SignableRequest request = new SignableRequest(method, decodedPath, decodedQuery, signed, payloadHash);
    if (!AkSkSigner.signaturesMatch(AkSkSigner.signature(request, credential.secretKey()),
        authorization.signature())) {
      throw unauthorized("the signature does not match");
    }
    if (credential.securityToken() != null
        && !Objects.equals(credential.securityToken(), headers.first("X-Security-Token"))) {
      throw unauthorized("the security token of temporary credentials is missing or wrong");
    }
    return credential;
  }

  private void checkSkew(String date) {
    Instant signedAt;
    try {
      signedAt = AkSkSigner.DATE_FORMAT.parse(date, Instant::from);
    } catch (DateTimeParseException e) {
      throw unauthorized("X-Sdk-Date must look like 20240102T030405Z");
    }
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
      throw HuaweiError.gateway(401, "APIGW.0301", "Incorrect IAM authentication information: calc aksk "
          + "signature fail:signature expired, signature time:" + date + ",server time:"
          + AkSkSigner.formatDate(now));
    }
  }

  private static HuaweiError unauthorized(String why) {
    return HuaweiError.gateway(401, "APIGW.0301", "Incorrect IAM authentication information: " + why);
  }
}
