package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Reactor.setEffectiveUser} and {@code setDescriptorTableSize} change the whole process,
 * so they run in a child JVM ({@link EffectiveUserChild}), started as root: the test fails, never
 * skips, when not run as root.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EffectiveUserIT {
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    return out;
  }

  private static int hardOpenFilesLimit() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String hard = line.substring("Max open files".length()).trim().split("\\s+")[1];
        return hard.equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(hard);
      }
    }
    throw new AssertionError("no Max open files in /proc/self/limits");
  }

  @Test
  void aRootProcessBindsALowPortThenRunsAsNobodyForGood() throws Exception {
    assertEquals("0", run("id", "-u"),
        "this test must run as root (it binds a port below 1024, then drops to nobody)");
    String uid = run("id", "-u", "nobody");
    String gid = run("id", "-g", "nobody");
    String groups = String.join(" ", run("id", "-G", "nobody").split("\\s+"));
    int hard = hardOpenFilesLimit();
    String output;
    List<String> lines;
    try (ExampleProcess child = ExampleProcess.start(EffectiveUserChild.class,
        String.valueOf(hard))) {
      int exit = child.awaitExit(Duration.ofSeconds(60));
      output = child.output();
      assertEquals(0, exit, output);
      // JDK 25 warns about jnr's native access on stderr: keep the child's own lines.
      lines = child.lines().stream()
          .filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    }
    assertTrue(!lines.isEmpty() && lines.get(0).startsWith("listening "), output);
    int port = Integer.parseInt(lines.get(0).substring("listening ".length()));
    assertTrue(port < 1024, output);
    assertEquals(List.of(
        "listening " + port,
        "lowered 512",
        "above hard: descriptorTableSize : " + ((long) hard + 1) + " (expected: 1.." + hard
            + ", the hard RLIMIT_NOFILE)",
        "Uid: " + uid + " " + uid + " " + uid + " " + uid,
        "Gid: " + gid + " " + gid + " " + gid + " " + gid,
        "Groups: " + groups,
        "raised " + hard,
        "root refused: initgroups(root, 0) failed with error(1): Operation not permitted",
        "unknown: user : no-such-user-tether (expected: a user in the password database)",
        "connected to " + port + " as nobody"), lines, output);
  }
}
