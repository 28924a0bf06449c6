package dev.operators.permissionset.config;

/** The operator's configuration is unusable; the message names the variable and the fix. */
public class ConfigurationException extends RuntimeException {

  public ConfigurationException(String message) {
    super(message);
  }
}
