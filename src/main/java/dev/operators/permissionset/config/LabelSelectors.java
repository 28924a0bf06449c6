package dev.operators.permissionset.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a label selector in the syntax of {@code kubectl -l} before the API server would refuse the watch. */
final class LabelSelectors {

  private static final String KEY = "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
      + "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
  private static final String VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";
  private static final Pattern EXISTS = Pattern.compile("!?\\s*" + KEY);
  private static final Pattern EQUALITY = Pattern.compile(KEY + "\\s*(=|==|!=)\\s*" + VALUE);
  private static final Pattern SET = Pattern.compile(KEY + "\\s+(in|notin)\\s+\\(\\s*" + VALUE + "(\\s*,\\s*"
      + VALUE + ")*\\s*\\)");

  private LabelSelectors() {
  }

  static boolean valid(String selector) {
    List<String> terms = terms(selector);
    return terms != null && !terms.isEmpty() && terms.stream().map(String::trim).allMatch(term ->
        EXISTS.matcher(term).matches() || EQUALITY.matcher(term).matches() || SET.matcher(term).matches());
  }

  /** The comma-separated terms, commas inside parentheses kept; null when parentheses do not balance. */
  private static List<String> terms(String selector) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(selector.substring(start, i));
        start = i + 1;
      }
      if (depth < 0 || depth > 1) {
        return null;
      }
    }
    terms.add(selector.substring(start));
    return depth == 0 ? terms : null;
  }
}
