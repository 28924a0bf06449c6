package dev.operators.permissionset.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class RandomizedTest {

  @Test
  void theSameSeedDrawsTheSameInputs(TestInfo test) {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    Randomized.check(test, 20, random -> RandomValues.anyText(random, 30), first::add);
    Randomized.check(test, 20, random -> RandomValues.anyText(random, 30), second::add);

    assertThat(first).hasSize(20).isEqualTo(second);
    assertThat(new HashSet<>(first)).as("different inputs from try to try").hasSizeGreaterThan(10);
  }

  @Test
  void aFailureNamesTheSeedTheTryAndTheInput(TestInfo test) {
    List<Integer> inputs = new ArrayList<>();
    assertThatThrownBy(() -> Randomized.check(test, 50, random -> random.nextInt(1000), input -> {
      inputs.add(input);
      assertThat(inputs).hasSizeLessThan(7);
    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("RandomizedTest.aFailureNamesTheSeedTheTryAndTheInput failed on try 7 of 50 with seed ")
        .hasMessageContaining("-Dproperty.seed=")
        .hasMessageContaining("input: " + inputs.get(6))
        .cause().isInstanceOf(AssertionError.class);
    assertThat(inputs).as("tries after the failing one").hasSize(7);
  }

  @Test
  void anExceptionEscapingThePropertyFailsItToo(TestInfo test) {
    assertThatThrownBy(() -> Randomized.check(test, 5, random -> "input", input -> {
      throw new IllegalStateException("escaped");
    }))
        .isInstanceOf(AssertionError.class).hasMessageContaining("try 1 of 5").hasMessageContaining("escaped")
        .cause().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theSeedComesFromTheNameUnlessOneIsAsked() {
    assertThat(Randomized.seed("SomeTest.someProperty", null)).isEqualTo("SomeTest.someProperty".hashCode());
    assertThat(Randomized.seed("SomeTest.someProperty", " ")).isEqualTo("SomeTest.someProperty".hashCode());
    assertThat(Randomized.seed("SomeTest.someProperty", "-123")).isEqualTo(-123L);
    assertThat(IntStream.range(0, 5).mapToLong(i -> Randomized.seed("SomeTest.someProperty", "random")).distinct()
        .count()).isGreaterThan(1);
    assertThatThrownBy(() -> Randomized.seed("SomeTest.someProperty", "twelve"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Dproperty.seed").hasMessageContaining(
            "'twelve'");
  }

  @Test
  void aLongInputIsShortenedForTheReport() {
    assertThat(Randomized.describe("name=" + "x".repeat(100_000) + ", id=a")).isEqualTo("name='x'×100000, id=a");
    assertThat(Randomized.describe("\ud83d\ude00".repeat(40))).isEqualTo("'\ud83d\ude00'×40");
    assertThat(Randomized.describe("ab".repeat(5_000))).hasSizeLessThan(4_100).endsWith("(10000 characters in all)");
  }

  @Test
  void numbersAndLengthsReachTheEdgesOfTheirRange() {
    SplittableRandom random = new SplittableRandom(1);
    Set<Integer> numbers = new HashSet<>();
    Set<Integer> lengths = new HashSet<>();
    Set<Character> chars = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      numbers.add(RandomValues.between(random, -1000, 1000));
      String text = RandomValues.string(random, RandomValues.LOWERCASE, 0, 1000);
      lengths.add(text.length());
      text.chars().forEach(c -> chars.add((char) c));
    }
    assertThat(numbers).contains(-1000, -999, 0, 999, 1000).allMatch(n -> n >= -1000 && n <= 1000);
    assertThat(lengths).contains(0, 1, 999, 1000);
    assertThat(chars).contains('a', 'z').allMatch(c -> c >= 'a' && c <= 'z');
  }

  @Test
  void anyTextIsValidUnicodeWithinItsLength() {
    SplittableRandom random = new SplittableRandom(2);
    Set<Integer> codePoints = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      String text = RandomValues.anyText(random, 40);
      assertThat(text.length()).isLessThanOrEqualTo(40);
      for (int index = 0; index < text.length(); index++) {
        char c = text.charAt(index);
        if (Character.isHighSurrogate(c)) {
          assertThat(text.length()).as("a pair in %s", text).isGreaterThan(index + 1);
          assertThat(Character.isLowSurrogate(text.charAt(++index))).as("a pair in %s", text).isTrue();
        } else {
          assertThat(Character.isLowSurrogate(c)).as("a lone surrogate in %s", text).isFalse();
        }
      }
      text.codePoints().forEach(codePoints::add);
    }
    assertThat(codePoints).contains(0, (int) ' ', 0x1f600, Character.MAX_CODE_POINT)
        .anyMatch(Character::isSupplementaryCodePoint);
  }
}
