package dev.tether.it;

import dev.tether.server.AbstractServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Helpers for tests with real worker JVMs: quick-start options, output capture, /proc. */
final class Workers {
  /** Generous: a worker JVM loads jnr-ffi and junixsocket; on a busy 2-core box that takes s. */
  static final Duration JVM_START = Duration.ofSeconds(30);

  /**
   * Options that make a small worker JVM start faster (spawn to first reply, JDK 17, median of 7:
   * 854 ms plain, 755 ms with the first five, 626-647 ms with jnr's ASM stubs off too); behaviour
   * is the same without them. HelloIT's supervisor main runs a worker with none of them.
   */
  static final String[] QUICK_JVM = {
    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xss512k", "-XX:-UsePerfData",
    "-Djnr.ffi.asm.enabled=false", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
  };

  private Workers() {}

  /** Configures {@code server} with quick options, {@code properties} and captured output. */
  static <T extends AbstractServer> T quick(T server, Output output,
      Map<String, String> properties) {
    server.configureCommand(b -> {
      b.jvmOptions(QUICK_JVM);
      properties.forEach(b::systemProperty);
    });
    server.captureOutput(output::add);
    return server;
  }

  static <T extends AbstractServer> T quick(T server, Output output) {
    return quick(server, output, Map.of());
  }

  /**
   * Waits until {@code condition} holds, polling it every 20 ms, and fails with {@code what}'s
   * text if it does not within {@code timeout}.
   */
  static void await(java.util.function.BooleanSupplier condition, Duration timeout,
      java.util.function.Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
      }
      Thread.sleep(20); // polls a condition, with a deadline
    }
  }

  /** True while {@code pid} exists and is not a zombie (a zombie runs nothing any more). */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** A worker's captured output lines, echoed to stderr so failures show them in reports. */
  static final class Output {
    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    void add(String line) {
      lines.add(line);
      System.err.println("worker: " + line);
    }

    boolean contains(String fragment) {
      return lines.stream().anyMatch(l -> l.contains(fragment));
    }
  }
}
