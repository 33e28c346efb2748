package dev.tether.supervisor;

/** Parsing of systemd's numeric variables, with errors that name the variable. */
final class SystemdVariables {
  private SystemdVariables() {}

  /** {@code value} as a number in 1..{@code max}. */
  static long positive(String variable, String value, long max) {
    try {
      long n = Long.parseLong(value);
      if (n > 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the exception that names the variable
    }
    throw new SystemdEnvironmentException(variable, value, "an integer in 1.." + max);
  }
}
