package dev.tether.server.internal;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.server.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Helpers for tests that spawn real children: commands, captured lines, /proc inspection. */
final class Children {
  /** Generous: a JVM start on a busy 2-core machine can take seconds. */
  static final Duration JVM_START = Duration.ofSeconds(20);

  private Children() {}

  /** The command line of {@link TestChild} in {@code mode}, small and quick to start. */
  static JavaCommand testChild(String... modeAndArgs) {
    return JavaCommand.builder(TestChild.class.getName())
        .classPath(testClassesDir())
        .jvmOptions("--add-opens=java.base/java.io=ALL-UNNAMED", "-Xmx32m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1")
        .args(modeAndArgs)
        .build();
  }

  static SpawnRequest.Builder request(JavaCommand command) {
    return SpawnRequest.builder(command.argv()).environment(command.environment());
  }

  static String testClassesDir() {
    try {
      return Path.of(TestChild.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code condition} holds, polling, or fails after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    dev.tether.testing.Await.until(what, timeout, condition);
  }


  /** Target of a /proc/.../fd/N link, e.g. {@code socket:[1234]} or {@code pipe:[99]}. */
  static String fdTarget(String procDir, int fd) {
    try {
      return Files.readSymbolicLink(Path.of(procDir, "fd", Integer.toString(fd))).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Targets of all fds open in {@code /proc/<pid>} (links that vanish meanwhile are skipped). */
  static List<String> fdTargets(String procDir) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of(procDir, "fd"))) {
      return fds.map(p -> {
        try {
          return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
          return "";
        }
      }).toList();
    }
  }

  /** Collects captured lines for a test to wait on. */
  static final class Lines {
    final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();

    ChildOutput output() {
      return ChildOutput.lines(queue::add);
    }

    /** The next line, or a failure naming what was expected after {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
      String line = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        fail("no output line within " + timeout.toMillis() + " ms");
      }
      return line;
    }
  }
}
