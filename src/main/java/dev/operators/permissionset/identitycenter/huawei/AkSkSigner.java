package dev.operators.permissionset.identitycenter.huawei;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Huawei Cloud's AK/SK request signature, SDK-HMAC-SHA256, as the official SDK's {@code AKSKSigner} computes it.
 * Both sides use it: our client to sign, the simulator to verify.
 */
public final class AkSkSigner {

  public static final String ALGORITHM = "SDK-HMAC-SHA256";
  public static final String DATE_HEADER = "X-Sdk-Date";
  public static final String CONTENT_SHA256_HEADER = "X-Sdk-Content-Sha256";
  public static final DateTimeFormatter DATE_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final Pattern AUTHORIZATION = Pattern.compile(
      "^" + ALGORITHM + " Access=([^,\\s]+), SignedHeaders=([^,\\s]+), Signature=([0-9a-f]+)$");
  private static final HexFormat HEX = HexFormat.of();

  private AkSkSigner() {
  }

  /**
   * The parts of a request that the signature covers.
   *
   * @param path the decoded path, for example {@code /v1/instances/ins-1/permission-sets}
   * @param query the decoded query parameters in the order they are sent
   * @param signedHeaders the headers to sign by lower-case name, including {@code host} and {@code x-sdk-date}
   * @param payloadHash the lower-hex SHA-256 of the body bytes, or the value of {@code X-Sdk-Content-Sha256}
   */
  public record SignableRequest(String method, String path, List<Map.Entry<String, String>> query,
      SortedMap<String, String> signedHeaders, String payloadHash) {

    public SignableRequest {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      query = List.copyOf(query);
      signedHeaders = new TreeMap<>(signedHeaders);
      Objects.requireNonNull(payloadHash, "payloadHash");
    }

    public String signedHeaderNames() {
      return String.join(";", signedHeaders.keySet());
    }
  }

  /** The three parts of an {@code Authorization} header. */
  public record Authorization(String accessKey, List<String> signedHeaders, String signature) {
  }

  public static String formatDate(Instant instant) {
    return DATE_FORMAT.format(instant);
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public static String canonicalRequest(SignableRequest request) {
    StringBuilder canonical = new StringBuilder();
    canonical.append(request.method()).append('\n');
    canonical.append(canonicalUri(request.path())).append('\n');
    canonical.append(canonicalQuery(request.query())).append('\n');
    request.signedHeaders().forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
    canonical.append('\n');
    canonical.append(request.signedHeaderNames()).append('\n');
    canonical.append(request.payloadHash());
    return canonical.toString();
  }

  public static String stringToSign(SignableRequest request) {
    String date = request.signedHeaders().get(DATE_HEADER.toLowerCase(Locale.ROOT));
    if (date == null) {
      throw new IllegalArgumentException("the signed headers must include x-sdk-date");
    }
    return ALGORITHM + "\n" + date + "\n" + sha256Hex(canonicalRequest(request).getBytes(StandardCharsets.UTF_8));
  }

  public static String signature(SignableRequest request, String secretKey) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HEX.formatHex(mac.doFinal(stringToSign(request).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  public static String authorization(SignableRequest request, String accessKey, String secretKey) {
    return String.format("%s Access=%s, SignedHeaders=%s, Signature=%s", ALGORITHM, accessKey,
        request.signedHeaderNames(), signature(request, secretKey));
  }

  public static Optional<Authorization> parseAuthorization(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher matcher = AUTHORIZATION.matcher(header);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Authorization(matcher.group(1), List.of(matcher.group(2).split(";")), matcher.group(3)));
  }

  /** Compares signatures in time independent of where they differ. */
  public static boolean signaturesMatch(String expected, String actual) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        actual.getBytes(StandardCharsets.US_ASCII));
  }

  /** Every path segment encoded, and a trailing slash whether or not the request has one. */
  static String canonicalUri(String path) {
    if (path.isEmpty() || "/".equals(path)) {
      return "/";
    }
    StringBuilder uri = new StringBuilder();
    for (String segment : path.split("/")) {
      uri.append(encode(segment)).append('/');
    }
    return uri.toString();
  }

  static String canonicalQuery(List<Map.Entry<String, String>> query) {
    List<Map.Entry<String, String>> encoded = new ArrayList<>();
    for (Map.Entry<String, String> parameter : query) {
      encoded.add(Map.entry(encode(parameter.getKey()), encode(parameter.getValue())));
    }
    // a stable sort keeps repeated keys in the order they are sent, as the SDK does
    encoded.sort(Comparator.comparing(Map.Entry::getKey));
    StringBuilder canonical = new StringBuilder();
    for (Map.Entry<String, String> parameter : encoded) {
      if (canonical.length() > 0) {
        canonical.append('&');
      }
      canonical.append(parameter.getKey()).append('=').append(parameter.getValue());
    }
    return canonical.toString();
  }

  /** RFC 3986 percent-encoding: unreserved characters stay, every other UTF-8 byte becomes %XY. */
  public static String encode(String value) {
    StringBuilder encoded = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        encoded.append(c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return encoded.toString();
  }
}
