package dev.operators.permissionset.simulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An operation's JSON input, read member by member against the model's constraints. Violations are collected and
 * reported together, as AWS does, by {@link #validate()}: members are named in camelCase ({@code instanceArn},
 * {@code filter.status}) and values quoted.
 */
final class AwsInput {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ARN = 1224;
  private static final int MIN_ARN = 10;
  private static final int MAX_TOKEN = 2048;

  private final JsonNode body;
  private final List<String> violations = new ArrayList<>();

  private AwsInput(JsonNode body) {
    this.body = body;
  }

  /** An empty body reads as {@code {}}; anything but a JSON object is a SerializationException. */
  static AwsInput parse(byte[] bytes) {
    if (bytes.length == 0) {
      return new AwsInput(JSON.createObjectNode());
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      throw AwsError.of("SerializationException", "Unable to parse the request body as JSON.");
    }
    if (body == null || !body.isObject()) {
      throw AwsError.of("SerializationException", "The request body must be a JSON object.");
    }
    return new AwsInput(body);
  }

  String instanceArn() {
    return arn("InstanceArn", AwsPatterns.INSTANCE_ARN, AwsPatterns.INSTANCE_ARN_REGEX);
  }

  String permissionSetArn() {
    return arn("PermissionSetArn", AwsPatterns.PERMISSION_SET_ARN, AwsPatterns.PERMISSION_SET_ARN_REGEX);
  }

  private String arn(String member, Pattern pattern, String regex) {
    String value = string(body, member);
    if (value == null) {
      violations.add("Value null at '" + camel(member) + "' failed to satisfy constraint: Member must not be null");
      return null;
    }
    if (value.length() < MIN_ARN) {
      violations.add(violation(value, member, "Member must have length greater than or equal to " + MIN_ARN));
    } else if (value.length() > MAX_ARN) {
      violations.add(violation(value, member, "Member must have length less than or equal to " + MAX_ARN));
    } else if (!pattern.matcher(value).matches()) {
      violations.add(violation(value, member, "Member must satisfy regular expression pattern: " + regex));
    }
    return value;
  }

  /** An optional member of exactly 12 digits. */
  Optional<String> accountId(String member) {
    String value = string(body, member);
    if (value != null && value.length() != 12) {
      violations.add(violation(value, member, "Member must have length " + (value.length() < 12
          ? "greater than or equal to 12" : "less than or equal to 12")));
    } else if (value != null && !AwsPatterns.ACCOUNT_ID.matcher(value).matches()) {
      violations.add(violation(value, member, "Member must satisfy regular expression pattern: "
          + AwsPatterns.ACCOUNT_ID_REGEX));
    }
    return Optional.ofNullable(value);
  }

  /** A required request ID (UUId): 36 characters, lower-case hex. */
  String requestId(String member) {
    String value = string(body, member);
    if (value == null) {
      violations.add("Value null at '" + camel(member) + "' failed to satisfy constraint: Member must not be null");
    } else if (value.length() != 36) {
      violations.add(violation(value, member, "Member must have length " + (value.length() < 36
          ? "greater than or equal to 36" : "less than or equal to 36")));
    } else if (!AwsPatterns.REQUEST_ID.matcher(value).matches()) {
      violations.add(violation(value, member, "Member must satisfy regular expression pattern: "
          + AwsPatterns.REQUEST_ID_REGEX));
    }
    return value;
  }

  /** A member of an enum, at {@code path} (a member of a member: {@code Filter.Status}). */
  Optional<String> enumValue(String path, boolean required, List<String> allowed) {
    JsonNode parent = body;
    String[] names = path.split("\\.");
    for (int i = 0; i < names.length - 1 && parent != null; i++) {
      parent = parent.get(names[i]);
      if (parent != null && !parent.isNull() && !parent.isObject()) {
        throw AwsError.of("SerializationException", "Expected a structure at '" + camel(names[i]) + "'.");
      }
    }
    String value = parent == null || parent.isNull() ? null : string(parent, names[names.length - 1]);
    if (value == null && required) {
      violations.add("Value null at '" + camel(path) + "' failed to satisfy constraint: Member must not be null");
    } else if (value != null && !allowed.contains(value)) {
      violations.add(violation(value, path, "Member must satisfy enum value set: [" + String.join(", ", allowed)
          + "]"));
    }
    return Optional.ofNullable(value);
  }

  /** {@code MaxResults}, 1 to 100, or {@code fallback} when absent. */
  int maxResults(int fallback) {
    JsonNode node = body.get("MaxResults");
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw AwsError.of("SerializationException", "MaxResults must be an integer.");
    }
    int value = node.intValue();
    if (value < 1) {
      violations.add(violation(Integer.toString(value), "MaxResults",
          "Member must have value greater than or equal to 1"));
    } else if (value > 100) {
      violations.add(violation(Integer.toString(value), "MaxResults",
          "Member must have value less than or equal to 100"));
    }
    return value;
  }

  /** {@code NextToken}; an empty one is no token. */
  Optional<String> nextToken() {
    String value = string(body, "NextToken");
    if (value != null && value.length() > MAX_TOKEN) {
      violations.add(violation(value, "NextToken", "Member must have length less than or equal to " + MAX_TOKEN));
    } else if (value != null && !AwsPatterns.TOKEN.matcher(value).matches()) {
      violations.add(violation(value, "NextToken", "Member must satisfy regular expression pattern: "
          + AwsPatterns.TOKEN_REGEX));
    }
    return Optional.ofNullable(value).filter(token -> !token.isEmpty());
  }

  /** Adds a violation of a rule across members, which the model cannot state. */
  void violation(String message) {
    violations.add(message);
  }

  /** Throws the ValidationException of every violation read so far. */
  void validate() {
    if (!violations.isEmpty()) {
      throw AwsError.validation(violations);
    }
  }

  private static String string(JsonNode parent, String member) {
    JsonNode node = parent.get(member);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw AwsError.of("SerializationException", "Expected a string at '" + camel(member) + "'.");
    }
    return node.textValue();
  }

  private static String violation(String value, String member, String constraint) {
    return "Value '" + value + "' at '" + camel(member) + "' failed to satisfy constraint: " + constraint;
  }

  /** {@code InstanceArn} as {@code instanceArn}, {@code Filter.Status} as {@code filter.status}. */
  private static String camel(String path) {
    StringBuilder camel = new StringBuilder();
    for (String name : path.split("\\.")) {
      if (camel.length() > 0) {
        camel.append('.');
      }
      camel.append(name.substring(0, 1).toLowerCase(Locale.ROOT)).append(name.substring(1));
    }
    return camel.toString();
  }
}
