package dev.tether.unix.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** getpwnam_r, getrlimit, getrusage and dup3 against what /proc and /etc/passwd say. */
class ProcessSettingsCallsTest {
  @Test
  void usersAreLookedUpAsThePasswordDatabaseHasThem() throws Exception {
    for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
      String[] f = line.split(":");
      if (f[0].equals("root") || f[0].equals("nobody")) {
        Users.Account account = Users.lookup(f[0]);
        assertEquals(new Users.Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])),
            account);
      }
    }
    assertNull(Users.lookup("no-such-user-tether"));
  }

  @Test
  void theOpenFilesLimitIsWhatProcSays() throws Exception {
    Limits.OpenFiles limits = Limits.openFiles();
    String line = Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow();
    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
    assertEquals(f[0], limits.soft() == Long.MAX_VALUE ? "unlimited" : "" + limits.soft());
    assertEquals(f[1], limits.hard() == Long.MAX_VALUE ? "unlimited" : "" + limits.hard());
  }

  @Test
  void threadUsageGrowsWithWorkOnThisThread() {
    ThreadUsage usage = new ThreadUsage();
    usage.read();
    long before = usage.userMicros() + usage.systemMicros();
    // Work until 20 ms of this thread's CPU time show; the machine may be busy, so the wall
    // clock only bounds how long to try.
    long deadline = System.nanoTime() + 10_000_000_000L;
    long x = 0;
    long used = 0;
    while (used < 20_000 && System.nanoTime() < deadline) {
      for (int i = 0; i < 100_000; i++) {
        x += x * 31 + 7;
      }
      usage.read();
      used = usage.userMicros() + usage.systemMicros() - before;
    }
    assertTrue(used >= 20_000, "10 s of work counted " + used + " us (result " + x + ")");
    assertTrue(usage.userMicros() > 0 && usage.systemMicros() >= 0);
  }

  @Test
  void duplicateOntoMakesTheTargetNumberReferToTheOtherFile() {
    int[] first = Io.pipe(true);
    int[] second = Io.pipe(true);
    try {
      Io.duplicateOnto(first[1], second[1]); // second's write end now writes into first
      Io.writeFully(second[1], "x".getBytes(StandardCharsets.US_ASCII));
      byte[] got = new byte[1];
      assertEquals(1, Io.read(first[0], got));
      assertEquals('x', got[0]);
      assertTrue(Io.isCloexec(second[1]));
      NativeCallException bad = assertThrows(NativeCallException.class,
          () -> Io.duplicateOnto(1_000_000, second[1]));
      assertEquals("dup3(1000000, " + second[1] + ") failed with error(9): Bad file descriptor",
          bad.getMessage());
    } finally {
      for (int fd : new int[] {first[0], first[1], second[0], second[1]}) {
        Io.close(fd);
      }
    }
  }
}
