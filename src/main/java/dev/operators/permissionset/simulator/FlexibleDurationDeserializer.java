package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in fixtures and flags ({@code 3s}, {@code 250ms}, {@code 2m}) or ISO-8601. */
final class FlexibleDurationDeserializer extends StdScalarDeserializer<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("^(\\d+)(ms|s|m)$");

  FlexibleDurationDeserializer() {
    super(Duration.class);
  }

  static Duration parse(String text) {
    Matcher matcher = SIMPLE.matcher(text.trim());
    if (!matcher.matches()) {
      try {
        return Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 250ms, 3s or 2m");
      }
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    try {
      return parse(parser.getValueAsString());
    } catch (IllegalArgumentException e) {
      return (Duration) context.handleWeirdStringValue(Duration.class, parser.getValueAsString(), e.getMessage());
    }
  }
}
