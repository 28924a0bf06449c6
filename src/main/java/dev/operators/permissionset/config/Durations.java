package dev.operators.permissionset.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as platform teams write them in manifests: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601. */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("^(\\d+)(ms|s|m|h)$");

  private Durations() {
  }

  public static Duration parse(String name, String text) {
    String value = text.trim();
    Matcher matcher = SIMPLE.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    try {
      return Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException(name + "='" + value + "' is not a duration; write it like 500ms, 5s, 2m or 1h");
    }
  }
}
