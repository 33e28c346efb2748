package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real peer programs (curl, python3, ...) the example ITs test against. */
final class PeerPrograms {
  private PeerPrograms() {}

  /**
   * Runs {@code cmd} (stderr inherited) and returns its stdout; fails the test if the program is
   * not installed, runs over 60 s or exits non-zero.
   */
  static String run(String... cmd) throws Exception {
    assertTrue(onPath(cmd[0]), cmd[0] + " is not installed (Debian: apt-get install " + cmd[0]
        + "); a test that skips proves nothing");
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), cmd[0] + " did not finish within 60 s");
    assertEquals(0, p.exitValue(), cmd[0] + " failed: " + out.get());
    return out.get(10, TimeUnit.SECONDS);
  }

  private static boolean onPath(String program) {
    return List.of(System.getenv("PATH").split(":")).stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
