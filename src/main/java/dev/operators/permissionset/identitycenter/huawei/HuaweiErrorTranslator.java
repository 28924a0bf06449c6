package dev.operators.permissionset.identitycenter.huawei;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.operators.permissionset.identitycenter.Redaction;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns failed calls into {@link IdentityCenterException}s: the category from the HTTP status and the Identity
 * Center error code, the cloud's code and message from the body, and the response's X-Request-Id for support.
 */
final class HuaweiErrorTranslator {

  static final String REQUEST_ID_HEADER = "X-Request-Id";

  /** "Account not found." with HTTP 400; with HTTP 409 the same number means the set is still attached. */
  static final int ACCOUNT_NOT_FOUND = 1210;
  static final int PERMISSION_SET_NOT_FOUND = 1205;

  // the service's codes were IdentityCenter.<n> and are IIC.<n> now; the number is what stays
  private static final Pattern IDENTITY_CENTER_CODE = Pattern.compile("^(?:IIC|IdentityCenter)\\.(\\d{1,9})$");

  private final ObjectMapper json;
  private final Clock clock;
  private final Redaction redaction;

  /**
   * @param secrets values that must never show in a message, such as the access key and the security token, in
   *     case the cloud or a proxy echoes them
   */
  HuaweiErrorTranslator(ObjectMapper json, Clock clock, List<String> secrets) {
    this.json = json;
    this.clock = clock;
    this.redaction = new Redaction(secrets);
  }

  /**
   * The exception for a response that is not a success.
   *
   * @param body the first bytes of the body, or null when it was larger than we read
   */
  IdentityCenterException fromResponse(String operation, int httpStatus, String reason, String contentType,
      byte[] body, String requestIdHeader, String retryAfterHeader) {
    CloudError error = cloudError(httpStatus, reason, contentType, body);
    String requestId = requestIdHeader != null ? requestIdHeader : redact(error.requestId());
    ErrorCategory category = categorize(httpStatus, error.code());
    Duration retryAfter = category == ErrorCategory.THROTTLED ? retryAfter(retryAfterHeader).orElse(null) : null;
    return new IdentityCenterException(operation, category, httpStatus, redact(error.code()),
        redact(error.message()), retryAfter, blankToNull(requestId), null);
  }

  /** The exception for a call that got no answer: refused, reset, timed out, or a TLS handshake that failed. */
  IdentityCenterException unavailable(String operation, String host, IOException cause) {
    return new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null,
        redact(CloudHttp.noAnswer(host, cause, "huaweiCloud")), null, cause);
  }

  static IdentityCenterException invalidResponse(String operation, String problem, String requestIdHeader) {
    return new IdentityCenterException(operation, ErrorCategory.INVALID_RESPONSE, 0, null,
        problem, null, blankToNull(requestIdHeader), null);
  }

  static ErrorCategory categorize(int httpStatus, String errorCode) {
    if (httpStatus == 429) {
      return ErrorCategory.THROTTLED;
    }
    if (httpStatus >= 500 && httpStatus <= 599) {
      return ErrorCategory.SERVER_ERROR;
    }
    if (httpStatus == 409) {
      return ErrorCategory.CONFLICT;
    }
    if (httpStatus >= 400 && httpStatus <= 499 && isIdentityCenterCode(errorCode, PERMISSION_SET_NOT_FOUND)) {
      return ErrorCategory.PERMISSION_SET_NOT_FOUND;
    }
    if (httpStatus == 400 && isIdentityCenterCode(errorCode, ACCOUNT_NOT_FOUND)) {
      return ErrorCategory.ACCOUNT_NOT_FOUND;
    }
    return switch (httpStatus) {
      case 401 -> ErrorCategory.AUTHENTICATION_FAILED;
      case 403 -> ErrorCategory.ACCESS_DENIED;
      case 404 -> ErrorCategory.NOT_FOUND;
      default -> httpStatus >= 400 && httpStatus <= 499 ? ErrorCategory.INVALID_REQUEST
          : ErrorCategory.INVALID_RESPONSE;
    };
  }

  /** Retry-After as delta-seconds or as an HTTP-date; a date in the past means now. */
  Optional<Duration> retryAfter(String header) {
    return CloudHttp.retryAfter(header, clock.instant());
  }

  private CloudError cloudError(int httpStatus, String reason, String contentType, byte[] body) {
    String status = reason == null || reason.isBlank() ? "HTTP " + httpStatus : reason.trim();
    if (body == null) {
      return new CloudError(null, status + " (the body is larger than we read)", null);
    }
    if (body.length == 0) {
      return new CloudError(null, status + " (empty body)", null);
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (IOException notJson) {
      parsed = null;
    }
    if (parsed == null || !parsed.isObject()) {
      return new CloudError(null, status + " (a " + (contentType == null ? "body" : contentType + " body") + " of "
          + body.length + " bytes, not a JSON error)", null);
    }
    String code = firstText(parsed, "error_code", "code");
    String message = firstText(parsed, "error_msg", "error_message", "message");
    if (code == null && message == null) {
      return new CloudError(null, status + " (a JSON body without error_code or error_msg)",
          firstText(parsed, "request_id"));
    }
    return new CloudError(code, message == null ? status : message, firstText(parsed, "request_id"));
  }

  private static String firstText(JsonNode object, String... fields) {
    for (String field : fields) {
      JsonNode value = object.get(field);
      if (value != null && value.isValueNode() && !value.isNull() && !value.asText().isBlank()) {
        return value.asText().trim();
      }
    }
    return null;
  }

  /** The text with every secret replaced and cut to a readable length; null stays null. */
  String redact(String text) {
    return redaction.apply(text);
  }

  private static String blankToNull(String requestId) {
    return requestId == null || requestId.isBlank() ? null : requestId;
  }

  /** Whether the code is the Identity Center's error with this number, under the old or the new prefix. */
  static boolean isIdentityCenterCode(String errorCode, int number) {
    if (errorCode == null) {
      return false;
    }
    Matcher matcher = IDENTITY_CENTER_CODE.matcher(errorCode.trim());
    return matcher.matches() && Integer.parseInt(matcher.group(1)) == number;
  }

  private record CloudError(String code, String message, String requestId) {
  }
}
