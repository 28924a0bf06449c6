package dev.operators.permissionset.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import dev.operators.permissionset.config.ConfigurationException;
import dev.operators.permissionset.config.Durations;
import java.io.IOException;
import java.time.Duration;

/** Reads fixture durations with the operator's {@link Durations}: {@code 250ms}, {@code 3s}, {@code 2m}, ISO-8601. */
final class FlexibleDurationDeserializer extends StdScalarDeserializer<Duration> {

  FlexibleDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    try {
      return Durations.parse(parser.currentName(), parser.getValueAsString());
    } catch (ConfigurationException e) {
      return (Duration) context.handleWeirdStringValue(Duration.class, parser.getValueAsString(), e.getMessage());
    }
  }
}
