package dev.operators.permissionset.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Random values for property tests, drawn towards the edges on purpose: numbers and lengths land on the ends of
 * their range one time in five, strings are often empty or as long as allowed and often hold the first or last
 * character of their alphabet, so that the boundaries where bugs live come up in every run, not by luck.
 */
public final class RandomValues {

  public static final String LOWERCASE = range('a', 'z');
  public static final String LETTERS = LOWERCASE + range('A', 'Z');
  public static final String DIGITS = range('0', '9');
  public static final String PRINTABLE_ASCII = range(' ', '~');

  private static final int EDGE_ONE_IN = 5;
  /** Code points that break naive text handling, drawn often by {@link #anyText}. */
  private static final int[] EDGE_CODE_POINTS = {0, ' ', '\n', '"', '\\', 0x7f, 0xa0, 0xfeff, 0xfffd, 0xffff,
      0x1f600, 0x10ffff};

  private RandomValues() {
  }

  /** The characters from {@code first} to {@code last}, for an alphabet. */
  public static String range(char first, char last) {
    StringBuilder chars = new StringBuilder(last - first + 1);
    for (char c = first; c <= last; c++) {
      chars.append(c);
    }
    return chars.toString();
  }

  /** A number from {@code min} to {@code max}; one time in five an edge: either end, next to one, or zero. */
  public static int between(RandomGenerator random, int min, int max) {
    if (random.nextInt(EDGE_ONE_IN) == 0) {
      List<Integer> edges = new ArrayList<>(List.of(min, max, Math.min(min + 1, max), Math.max(max - 1, min)));
      if (min < 0 && max > 0) {
        edges.add(0);
      }
      return pick(random, edges);
    }
    return random.nextInt(min, max + 1);
  }

  /** Any long; one time in five zero, one, minus one or an extreme. */
  public static long anyLong(RandomGenerator random) {
    if (random.nextInt(EDGE_ONE_IN) == 0) {
      return pick(random, 0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE);
    }
    return random.nextLong();
  }

  /** Any finite double, spread over all magnitudes; one time in five zero, one or an extreme. */
  public static double anyDouble(RandomGenerator random) {
    if (random.nextInt(EDGE_ONE_IN) == 0) {
      return pick(random, 0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE);
    }
    double value;
    do {
      value = Double.longBitsToDouble(random.nextLong());
    } while (!Double.isFinite(value));
    return value;
  }

  public static boolean chance(RandomGenerator random, double probability) {
    return random.nextDouble() < probability;
  }

  @SafeVarargs
  public static <T> T pick(RandomGenerator random, T... values) {
    return values[random.nextInt(values.length)];
  }

  public static <T> T pick(RandomGenerator random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  public static <E extends Enum<E>> E pick(RandomGenerator random, Class<E> type) {
    return pick(random, type.getEnumConstants());
  }

  /** The index of a choice, each as likely as its weight: {@code weighted(random, 3, 1)} is 0 three times in four. */
  public static int weighted(RandomGenerator random, int... weights) {
    int total = 0;
    for (int weight : weights) {
      total += weight;
    }
    int draw = random.nextInt(total);
    for (int index = 0; index < weights.length; index++) {
      draw -= weights[index];
      if (draw < 0) {
        return index;
      }
    }
    throw new IllegalArgumentException("weights must be positive");
  }

  /** A string of {@code minLength} to {@code maxLength} characters of the alphabet. */
  public static String string(RandomGenerator random, String alphabet, int minLength, int maxLength) {
    int length = between(random, minLength, maxLength);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      boolean edge = random.nextInt(10) == 0;
      int index = edge ? pick(random, 0, alphabet.length() - 1) : random.nextInt(alphabet.length());
      text.append(alphabet.charAt(index));
    }
    return text.toString();
  }

  /**
   * Any text of at most {@code maxLength} chars: code points from all of Unicode (surrogate pairs, never a lone
   * surrogate), mostly from the Basic Multilingual Plane, often a control character, quote, BOM or emoji.
   */
  public static String anyText(RandomGenerator random, int maxLength) {
    int length = between(random, 0, maxLength);
    StringBuilder text = new StringBuilder(length);
    while (text.length() < length) {
      int codePoint = switch (weighted(random, 1, 6, 1)) {
        case 0 -> EDGE_CODE_POINTS[random.nextInt(EDGE_CODE_POINTS.length)];
        case 1 -> random.nextInt(Character.MAX_VALUE + 1);
        default -> random.nextInt(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT + 1);
      };
      if (Character.getType(codePoint) != Character.SURROGATE
          && text.length() + Character.charCount(codePoint) <= length) {
        text.appendCodePoint(codePoint);
      }
    }
    return text.toString();
  }

  public static byte[] bytes(RandomGenerator random, int maxSize) {
    byte[] bytes = new byte[between(random, 0, maxSize)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** A list of {@code minSize} to {@code maxSize} elements. */
  public static <T> List<T> list(RandomGenerator random, int minSize, int maxSize,
      Function<RandomGenerator, T> elements) {
    int size = between(random, minSize, maxSize);
    List<T> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(elements.apply(random));
    }
    return list;
  }
}
