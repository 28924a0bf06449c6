package dev.operators.permissionset.simulator.huawei;

/**
 * An error answer, from the service (Identity Center's codes) or from the API gateway in front of it
 * (authentication, throttling, routing). Both answer {@code error_code}, {@code error_msg} and {@code request_id}.
 */
final class HuaweiError extends RuntimeException {

  static final String MALFORMED_MARKER = "marker must be the 24-character next_marker of an earlier page.";

  private final int httpStatus;
  private final String code;
  private final boolean gateway;

  private HuaweiError(int httpStatus, String code, String message, boolean gateway) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.code = code;
    this.gateway = gateway;
  }

  static HuaweiError service(int httpStatus, String code, String message) {
    return new HuaweiError(httpStatus, code, message, false);
  }

  static HuaweiError gateway(int httpStatus, String code, String message) {
    return new HuaweiError(httpStatus, code, message, true);
  }

  static HuaweiError badRequest(String detail) {
    return service(400, "IIC.400", "Bad Request: " + detail);
  }

  static HuaweiError notFound(String detail) {
    return service(404, "IIC.404", "Not Found: " + detail);
  }

  int httpStatus() {
    return httpStatus;
  }

  String code() {
    return code;
  }

  boolean gateway() {
    return gateway;
  }
}
