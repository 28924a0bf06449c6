package dev.operators.permissionset.simulator;

/**
 * An error answer, from the service (Identity Center's codes) or from the API gateway in front of it
 * (authentication, throttling, routing). Both answer {@code error_code}, {@code error_msg} and {@code request_id}.
 */
final class SimulatorError extends RuntimeException {

  private final int httpStatus;
  private final String code;
  private final boolean gateway;

  private SimulatorError(int httpStatus, String code, String message, boolean gateway) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.code = code;
    this.gateway = gateway;
  }

  static SimulatorError service(int httpStatus, String code, String message) {
    return new SimulatorError(httpStatus, code, message, false);
  }

  static SimulatorError gateway(int httpStatus, String code, String message) {
    return new SimulatorError(httpStatus, code, message, true);
  }

  static SimulatorError badRequest(String detail) {
    return service(400, "IIC.400", "Bad Request: " + detail);
  }

  static SimulatorError notFound(String detail) {
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
