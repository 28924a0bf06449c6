package dev.operators.permissionset.simulator.aws;

import dev.operators.permissionset.simulator.HttpCall;
import dev.operators.permissionset.simulator.SimulatorFixture.Credential;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a SigV4 signature as AWS's awsJson services do, against the fixture's key pairs, with their answers. The
 * SDK's own signer is the oracle: the received request's signed headers are signed again, at the request's
 * X-Amz-Date, with the stored secret, and the two signatures compared.
 */
final class SigV4Verifier {

  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  static final String SERVICE = "sso";
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256\\s+Credential=([^,\\s]+),\\s*SignedHeaders=([^,\\s]+),\\s*Signature=([0-9a-f]+)");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private final Map<String, Credential> credentials;
  private final String region;
  private final Clock clock;

  SigV4Verifier(List<Credential> credentials, String region, Clock clock) {
    this.credentials = credentials.stream().collect(Collectors.toMap(Credential::accessKey, Function.identity()));
    this.region = region;
    this.clock = clock;
  }

  /** The caller's key pair when the request is signed right; otherwise AWS's answer. */
  Credential verify(HttpCall call, byte[] body, boolean https) {
    String header = call.headers().first("Authorization");
    if (header == null) {
      throw AwsError.of("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    Matcher authorization = AUTHORIZATION.matcher(header.trim());
    if (!authorization.matches()) {
      throw AwsError.of("IncompleteSignatureException", header.startsWith(ALGORITHM)
          ? "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."
          : "Authorization header requires the AWS4-HMAC-SHA256 algorithm.");
    }
    String[] scope = authorization.group(1).split("/", -1);
    Credential credential = scope.length == 5 ? credentials.get(scope[0]) : null;
    if (credential == null) {
      throw AwsError.of("UnrecognizedClientException", AwsError.INVALID_SECURITY_TOKEN);
    }
    if (!Objects.equals(credential.securityToken(), call.headers().first("X-Amz-Security-Token"))) {
      throw AwsError.of("UnrecognizedClientException", AwsError.INVALID_SECURITY_TOKEN);
    }
    if (credential.expired()) {
      throw AwsError.of("ExpiredTokenException", "The security token included in the request is expired");
    }
    String date = call.headers().first("X-Amz-Date");
    if (date == null) {
      throw AwsError.of("IncompleteSignatureException",
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    Instant signedAt = signedAt(date);
    checkScope(scope, date);
    checkSkew(date, signedAt);
    List<String> signedHeaders = List.of(authorization.group(2).split(";"));
    if (!signedHeaders.contains("host")) {
      throw AwsError.invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    String expected = signature(call, body, https, signedHeaders, credential, signedAt);
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        authorization.group(3).getBytes(StandardCharsets.US_ASCII))) {
      throw AwsError.invalidSignature("The request signature we calculated does not match the signature you "
          + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for "
          + "details.");
    }
    return credential;
  }

  private static Instant signedAt(String date) {
    try {
      return DATE.parse(date, Instant::from);
    } catch (DateTimeParseException e) {
      throw AwsError.of("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '" + date
          + "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
  }

  /** {@code <key>/<yyyyMMdd>/<region>/sso/aws4_request}, the date that of X-Amz-Date. */
  private void checkScope(String[] scope, String date) {
    if (!scope[1].equals(date.substring(0, 8))) {
      throw AwsError.invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
          + "date from HTTP: '" + scope[1] + "' != '" + date.substring(0, 8) + "', from '" + date + "'.");
    }
    if (!scope[2].equals(region)) {
      throw AwsError.invalidSignature("Credential should be scoped to a valid region.");
    }
    if (!scope[3].equals(SERVICE)) {
      throw AwsError.invalidSignature("Credential should be scoped to correct service: '" + SERVICE + "'.");
    }
    if (!scope[4].equals("aws4_request")) {
      throw AwsError.invalidSignature("Credential should be scoped with a valid terminator: 'aws4_request'.");
    }
  }

  private void checkSkew(String date, Instant signedAt) {
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(MAX_CLOCK_SKEW))) {
      throw AwsError.invalidSignature("Signature expired: " + date + " is now earlier than "
          + DATE.format(now.minus(MAX_CLOCK_SKEW)) + " (" + DATE.format(now) + " - 5 min.)");
    }
    if (signedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
      throw AwsError.invalidSignature("Signature not yet current: " + date + " is still later than "
          + DATE.format(now.plus(MAX_CLOCK_SKEW)) + " (" + DATE.format(now) + " + 5 min.)");
    }
  }

  /** The signature the SDK's signer gives the request's signed headers and body, at its date, with the secret. */
  private String signature(HttpCall call, byte[] body, boolean https, List<String> signedHeaders,
      Credential credential, Instant signedAt) {
    String host = Optional.ofNullable(call.headers().first("Host"))
        .orElseThrow(() -> AwsError.invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization."));
    URI uri = URI.create((https ? "https" : "http") + "://" + host + call.rawPath());
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(call.method()))
        .uri(uri);
    for (String name : signedHeaders) {
      String value = call.headers().first(name);
      if (value == null) {
        throw AwsError.invalidSignature("The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation "
            + "for details.");
      }
      request.putHeader(name, value);
    }
    SignedRequest signed = SIGNER.sign(sign -> sign
        .identity(AwsCredentialsIdentity.create(credential.accessKey(), credential.secretKey()))
        .request(request.build())
        .payload(() -> new ByteArrayInputStream(body))
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
    String authorization = signed.request().firstMatchingHeader("Authorization").orElse("");
    Matcher matcher = AUTHORIZATION.matcher(authorization);
    return matcher.matches() ? matcher.group(3) : "";
  }
}
