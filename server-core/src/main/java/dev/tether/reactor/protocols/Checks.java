package dev.tether.reactor.protocols;

import java.time.Duration;

/** This package's argument checks: each failure names the value and the expected range. */
final class Checks {
  private Checks() {}

  static int positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: > 0)");
    }
    return value;
  }

  static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static Duration positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: > 0)");
    }
    return value;
  }

  /** A domain name as sent in EHLO or a greeting: not empty, no whitespace. */
  static String domain(String name, String value) {
    if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(name + " : '" + value
          + "' (expected: a name without whitespace)");
    }
    return value;
  }
}
