package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What of the process-wide settings can run in the test JVM without changing it: reading the fd
 * limit, and the refusals. The changes themselves run in a child JVM (EffectiveUserIT).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessSettingsTest {
  /** "Max open files  soft  hard  files" from /proc/self/limits. */
  private static long[] openFilesLimits() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return new long[] {parse(f[0]), parse(f[1])};
      }
    }
    throw new AssertionError("no Max open files in /proc/self/limits");
  }

  private static long parse(String value) {
    return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
  }

  @Test
  void theDescriptorTableSizeIsTheSoftOpenFilesLimit() throws IOException {
    long[] limits = openFilesLimits();
    assertEquals(Math.min(limits[0], Integer.MAX_VALUE), Reactor.descriptorTableSize());
    assertEquals(Reactor.descriptorTableSize(),
        Reactor.setDescriptorTableSize(Reactor.descriptorTableSize())); // unchanged
  }

  @Test
  void aSizeAboveTheHardLimitOrBelowOneIsRefusedNamingTheRange() throws IOException {
    long hard = openFilesLimits()[1];
    if (hard < Integer.MAX_VALUE) {
      IllegalArgumentException above = assertThrows(IllegalArgumentException.class,
          () -> Reactor.setDescriptorTableSize((int) hard + 1));
      assertEquals("descriptorTableSize : " + (hard + 1) + " (expected: 1.." + hard
          + ", the hard RLIMIT_NOFILE)", above.getMessage());
    }
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> Reactor.setDescriptorTableSize(0));
    assertEquals("descriptorTableSize : 0 (expected: 1.." + hard + ", the hard RLIMIT_NOFILE)",
        zero.getMessage());
    assertEquals(openFilesLimits()[0], Reactor.descriptorTableSize());
  }

  @Test
  void anUnknownUserIsRefusedBeforeAnythingChanges() throws IOException {
    String statusBefore = uidAndGid();
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Reactor.setEffectiveUser("no-such-user-tether"));
    assertEquals("user : no-such-user-tether (expected: a user in the password database)",
        unknown.getMessage());
    assertEquals(statusBefore, uidAndGid());
  }

  private static String uidAndGid() throws IOException {
    StringBuilder b = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:") || line.startsWith("Gid:") || line.startsWith("Groups:")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }
}
