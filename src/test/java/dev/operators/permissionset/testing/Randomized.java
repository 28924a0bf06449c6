package dev.operators.permissionset.testing;

import java.lang.reflect.Method;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInfo;

/**
 * Runs a property over random inputs: a number of tries, each with its own generator split off one seed, stopping at
 * the first try that fails. The seed comes from the test's name, so every build checks the same inputs;
 * {@code -Dproperty.seed=N} replays a reported failure and {@code -Dproperty.seed=random} draws new inputs. A failure
 * names the seed, the try and the input.
 */
public final class Randomized {

  public static final String SEED_PROPERTY = "property.seed";

  private static final Pattern LONG_RUN = Pattern.compile("(.)\\1{15,}", Pattern.DOTALL);
  private static final int DESCRIPTION_LIMIT = 4_000;

  private Randomized() {
  }

  /** A property of one input; it fails by throwing, an assertion error or any exception escaping the code. */
  @FunctionalInterface
  public interface Property<T> {
    void check(T input) throws Exception;
  }

  /** Checks the property on {@code tries} inputs drawn by {@code inputs}; throws on the first one it fails. */
  public static <T> void check(TestInfo test, int tries, Function<RandomGenerator, T> inputs, Property<T> property) {
    String name = test.getTestClass().map(Class::getSimpleName).orElse("") + "."
        + test.getTestMethod().map(Method::getName).orElse(test.getDisplayName());
    long seed = seed(name, System.getProperty(SEED_PROPERTY));
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int attempt = 1; attempt <= tries; attempt++) {
      T input = inputs.apply(seeds.split());
      try {
        property.check(input);
      } catch (Throwable failure) {
        throw new AssertionError(String.format("%s failed on try %d of %d with seed %d (replay with -D%s=%d)%n"
            + "input: %s%nfailure: %s", name, attempt, tries, seed, SEED_PROPERTY, seed, describe(input), failure),
            failure);
      }
    }
    System.out.printf("%s: %d tries passed with seed %d%n", name, tries, seed);
  }

  /** The seed the property's name gives, or the one the system property asks for. */
  static long seed(String name, String requested) {
    if (requested == null || requested.isBlank()) {
      return name.hashCode();
    }
    if (requested.strip().equalsIgnoreCase("random")) {
      return new SplittableRandom().nextLong();
    }
    try {
      return Long.parseLong(requested.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be a whole number or 'random', not '"
          + requested + "'", e);
    }
  }

  /** The input as text that fits a test report: long runs of one character counted, and the whole cut short. */
  static String describe(Object input) {
    String text = LONG_RUN.matcher(String.valueOf(input))
        .replaceAll(run -> Matcher.quoteReplacement("'" + run.group(1) + "'×" + run.group().codePointCount(0,
            run.group().length())));
    return text.length() <= DESCRIPTION_LIMIT ? text
        : text.substring(0, DESCRIPTION_LIMIT) + "… (" + text.length() + " characters in all)";
  }
}
