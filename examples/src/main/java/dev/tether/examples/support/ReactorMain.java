package dev.tether.examples.support;

import dev.tether.reactor.Reactor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the examples' {@code main} methods share: reading a port argument, the usage exit, and
 * running a reactor on the main thread until SIGTERM or SIGINT. Not part of Tether's API.
 */
public final class ReactorMain {
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private ReactorMain() {}

  /**
   * {@code text} as a TCP or UDP port, 0 (any free port) included.
   *
   * @throws IllegalArgumentException naming the value if it is not a number in 0..65535
   */
  public static int port(String text) {
    int port = Integer.parseInt(text);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
    }
    return port;
  }

  /**
   * The port of a main whose only argument is a port; with another argument list, prints {@code
   * usage: NAME PORT (...): <what was wrong>} and exits with status 2.
   */
  public static int onlyArgumentPort(String name, String[] args) {
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument, got " + args.length);
      }
      return port(args[0]);
    } catch (IllegalArgumentException e) {
      exitWithUsage(name + " PORT (0..65535; 0 picks a free port)", e);
      throw new AssertionError("exited", e); // not reached: exitWithUsage exits
    }
  }

  /** Prints {@code usage: <usage>: <what was wrong>} to stderr and exits with status 2. */
  public static void exitWithUsage(String usage, IllegalArgumentException wrong) {
    System.err.println("usage: " + usage + ": " + wrong.getMessage());
    System.exit(2);
  }

  /**
   * Runs {@code reactor} on the calling thread with {@code init} until SIGTERM or SIGINT, whose
   * shutdown hook stops it and waits (up to 10 s) for the loop to end, so that the JVM exits only
   * after every connection and socket is closed.
   */
  public static void runUntilSignalled(Reactor reactor, Runnable init) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      reactor.stop();
      try {
        stopped.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown of " + reactor));
    try {
      reactor.run(init);
    } finally {
      stopped.countDown();
    }
  }
}
