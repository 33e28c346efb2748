package dev.tether.benchmarks.echo;

/** Argument parsing shared by the benchmark mains; failures name the argument and its value. */
public final class BenchArgs {
  private BenchArgs() {}

  /** Returns {@code args[0]} as a TCP port, or throws naming the value. */
  public static int port(String[] args) {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "port : missing (expected: a port 1..65535 as first argument)");
    }
    int port = parse("port", args[0]);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port : " + port + " (expected: 1..65535)");
    }
    return port;
  }

  public static int positive(String name, String value) {
    int n = parse(name, value);
    if (n < 1) {
      throw new IllegalArgumentException(name + " : " + n + " (expected: > 0)");
    }
    return n;
  }

  private static int parse(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: an integer)", e);
    }
  }
}
