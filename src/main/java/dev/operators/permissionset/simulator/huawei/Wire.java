package dev.operators.permissionset.simulator.huawei;

import dev.operators.permissionset.simulator.Pager;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reading URLs and query parameters as the service does, and its documented parameter checks. */
final class Wire {

  private Wire() {
  }

  /** Percent-decodes every path segment; a '+' stays a '+' in a path. */
  static String decodePath(String rawPath) {
    return percentDecode(rawPath == null ? "/" : rawPath, "path");
  }

  /** The query's parameters in the order sent, decoded (as RFC 3986 says: '+' is a plus, not a space). */
  static List<Map.Entry<String, String>> decodeQuery(String rawQuery) {
    List<Map.Entry<String, String>> parameters = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      parameters.add(Map.entry(percentDecode(name, "query"), percentDecode(value, "query")));
    }
    return parameters;
  }

  static Map<String, List<String>> group(List<Map.Entry<String, String>> parameters) {
    Map<String, List<String>> grouped = new LinkedHashMap<>();
    parameters.forEach(p -> grouped.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p.getValue()));
    return grouped;
  }

  static Optional<String> single(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw HuaweiError.badRequest(name + " must be given once.");
    }
    return Optional.of(values.get(0));
  }

  /** {@code limit}: an integer from 1 to 100, 100 when absent. */
  static int limit(Map<String, List<String>> query) {
    Optional<String> text = single(query, "limit");
    if (text.isEmpty()) {
      return 100;
    }
    try {
      int limit = Integer.parseInt(text.get());
      if (limit >= 1 && limit <= 100) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // falls through to the documented error
    }
    throw HuaweiError.badRequest("limit must be an integer from 1 to 100.");
  }

  static Optional<String> marker(Map<String, List<String>> query) {
    Optional<String> marker = single(query, "marker");
    marker.filter(m -> !Pager.wellFormed(m)).ifPresent(m -> {
      throw HuaweiError.badRequest(HuaweiError.MALFORMED_MARKER);
    });
    return marker;
  }

  static void requireEnum(String name, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw HuaweiError.badRequest(name + " must be one of " + String.join(", ", allowed.stream().sorted()
          .toList()) + ".");
    }
  }

  private static String percentDecode(String text, String part) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          throw HuaweiError.badRequest("the " + part + " has a broken percent-encoding.");
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw HuaweiError.badRequest("the " + part + " has a broken percent-encoding.");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
