package dev.operators.permissionset.identitycenter.aws;

import dev.operators.permissionset.identitycenter.Redaction;
import dev.operators.permissionset.identitycenter.CloudHttp;
import dev.operators.permissionset.identitycenter.ErrorCategory;
import dev.operators.permissionset.identitycenter.IdentityCenterException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.thirdparty.jackson.core.JacksonException;

/**
 * Turns the SDK's failures into {@link IdentityCenterException}s: the category from the error code and the HTTP
 * status, the cloud's code, message and x-amzn-RequestId kept for the user, every known secret replaced.
 */
final class AwsErrorTranslator {

  /** The codes with which AWS rejects a signature or the credentials behind it, rather than their permissions. */
  static final Set<String> AUTHENTICATION_CODES = Set.of("UnrecognizedClientException", "InvalidSignatureException",
      "ExpiredTokenException", "MissingAuthenticationTokenException", "IncompleteSignatureException",
      "InvalidClientTokenId", "SignatureDoesNotMatch");


  private final Clock clock;
  private final String host;
  private final Redaction redaction;

  /**
   * @param host the endpoint's host and port, for the messages of calls that got no answer
   * @param secrets values that must never show in a message, such as the secret key and the session token, in case
   *     the cloud or a proxy echoes them
   */
  AwsErrorTranslator(Clock clock, String host, List<String> secrets) {
    this.clock = clock;
    this.host = host;
    this.redaction = new Redaction(secrets);
  }

  /** @param failure what the SDK threw: an SdkException, or the credentials' own failure, which it lets through */
  IdentityCenterException translate(String operation, RuntimeException failure) {
    Optional<CredentialsSource.Failure> credentials = cause(failure, CredentialsSource.Failure.class);
    if (credentials.isPresent()) {
      return credentialsFailure(operation, credentials.get());
    }
    if (failure instanceof AwsServiceException answered) {
      return fromAnswer(operation, answered);
    }
    return withoutAnswer(operation, failure);
  }

  private IdentityCenterException fromAnswer(String operation, AwsServiceException answered) {
    AwsErrorDetails details = answered.awsErrorDetails();
    String code = details == null ? null : blankToNull(details.errorCode());
    String message = details == null ? null : blankToNull(details.errorMessage());
    int status = answered.statusCode();
    ErrorCategory category = categorize(status, code, message);
    Duration retryAfter = category != ErrorCategory.THROTTLED || details == null || details.sdkHttpResponse() == null
        ? null
        : details.sdkHttpResponse().firstMatchingHeader(CloudHttp.RETRY_AFTER)
            .flatMap(header -> CloudHttp.retryAfter(header, clock.instant())).orElse(null);
    String shownMessage = message != null ? message
        : "HTTP " + status + (code == null ? " without an error code or message" : " without a message");
    return new IdentityCenterException(operation, category, status, redact(code), redact(shownMessage), retryAfter,
        redact(blankToNull(answered.requestId())), null);
  }

  /**
   * The category of an error answer. AWS names its errors in the code, whatever the status: awsJson1_1 answers
   * ThrottlingException with HTTP 400.
   */
  static ErrorCategory categorize(int httpStatus, String code, String message) {
    if (code != null) {
      switch (code) {
        case "ThrottlingException" -> {
          return ErrorCategory.THROTTLED;
        }
        case "ConflictException" -> {
          return ErrorCategory.CONFLICT;
        }
        case "ValidationException" -> {
          return ErrorCategory.INVALID_REQUEST;
        }
        case "AccessDeniedException" -> {
          return ErrorCategory.ACCESS_DENIED;
        }
        case "ResourceNotFoundException" -> {
          return notFound(message);
        }
        case "InternalServerException" -> {
          return ErrorCategory.SERVER_ERROR;
        }
        default -> {
          if (AUTHENTICATION_CODES.contains(code)) {
            return ErrorCategory.AUTHENTICATION_FAILED;
          }
        }
      }
    }
    if (httpStatus >= 500 && httpStatus <= 599) {
      return ErrorCategory.SERVER_ERROR;
    }
    return switch (httpStatus) {
      case 401 -> ErrorCategory.AUTHENTICATION_FAILED;
      case 403 -> ErrorCategory.ACCESS_DENIED;
      case 404 -> ErrorCategory.NOT_FOUND;
      case 409 -> ErrorCategory.CONFLICT;
      case 429 -> ErrorCategory.THROTTLED;
      default -> httpStatus >= 400 && httpStatus <= 499 ? ErrorCategory.INVALID_REQUEST
          : ErrorCategory.INVALID_RESPONSE;
    };
  }

  /**
   * What is missing, by the message's first word. This is the simulator's convention ("PermissionSet not found",
   * "Account not found"); AWS documents no message texts for ResourceNotFoundException, and the real ones are
   * unconfirmed. Anything else, such as the instance or the provisioning request, is NOT_FOUND.
   */
  private static ErrorCategory notFound(String message) {
    String firstWord = message == null ? "" : message.trim().split("[\\s:.,]", 2)[0].toLowerCase(Locale.ROOT);
    return switch (firstWord) {
      case "permissionset" -> ErrorCategory.PERMISSION_SET_NOT_FOUND;
      case "account" -> ErrorCategory.ACCOUNT_NOT_FOUND;
      default -> ErrorCategory.NOT_FOUND;
    };
  }

  private IdentityCenterException withoutAnswer(String operation, RuntimeException failure) {
    if (cause(failure, JacksonException.class).isPresent()) {
      return new IdentityCenterException(operation, ErrorCategory.INVALID_RESPONSE, 0, null,
          redact("the answer from " + host + " is not the JSON the SDK expects (" + summary(failure) + ")"), null,
          failure);
    }
    Optional<IOException> io = cause(failure, IOException.class);
    String problem = io.map(cause -> CloudHttp.noAnswer(host, cause, "aws"))
        .orElseGet(() -> "no answer from " + host + " (" + summary(failure) + ")");
    return new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null, redact(problem), null,
        failure);
  }

  /**
   * The call was not sent: its credentials could not be obtained. A throttled STS is THROTTLED and an unreachable
   * one UNAVAILABLE, as the call itself would be; anything else (a role that may not be assumed, credentials that
   * STS rejects, a default chain that finds none) is AUTHENTICATION_FAILED, fixed outside the cluster.
   */
  private IdentityCenterException credentialsFailure(String operation, CredentialsSource.Failure failure) {
    Throwable cause = failure.getCause();
    String source = "the AWS credentials could not be obtained from " + failure.source();
    if (cause instanceof AwsServiceException sts) {
      AwsErrorDetails details = sts.awsErrorDetails();
      String code = details == null ? null : blankToNull(details.errorCode());
      String message = details == null ? null : blankToNull(details.errorMessage());
      boolean throttled = sts.isThrottlingException();
      ErrorCategory category = throttled ? ErrorCategory.THROTTLED : ErrorCategory.AUTHENTICATION_FAILED;
      String text = source + ": STS answered HTTP " + sts.statusCode() + (code == null ? "" : " (" + code + ")")
          + (message == null ? "" : ": " + message);
      return new IdentityCenterException(operation, category, 0, redact(code), redact(text), null,
          redact(blankToNull(sts.requestId())), failure);
    }
    if (cause(cause, JacksonException.class).isEmpty() && cause(cause, IOException.class).isPresent()) {
      IOException io = cause(cause, IOException.class).get();
      return new IdentityCenterException(operation, ErrorCategory.UNAVAILABLE, 0, null,
          redact(source + ": " + CloudHttp.noAnswer("STS", io, "aws")), null, failure);
    }
    return new IdentityCenterException(operation, ErrorCategory.AUTHENTICATION_FAILED, 0, null,
        redact(source + ": " + summary(cause)), null, failure);
  }

  private static String summary(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return Optional.of(type.cast(cause));
      }
    }
    return Optional.empty();
  }

  /** The text with every secret replaced and cut to a readable length; null stays null. */
  String redact(String text) {
    return redaction.apply(text);
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }
}
