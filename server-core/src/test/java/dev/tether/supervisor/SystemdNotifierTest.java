package dev.tether.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.Clocks;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The notifier against a fake systemd: a datagram socket bound in this JVM. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SystemdNotifierTest {
  private static final long PID = ProcessHandle.current().pid();

  @Test
  void eachMessageIsOneDatagramToAPath(@TempDir Path dir) {
    sendsEveryKindOfMessage(dir.resolve("notify").toString());
  }

  @Test
  void eachMessageIsOneDatagramToAnAbstractName() {
    sendsEveryKindOfMessage("@tether-notify-test-" + PID);
  }

  private static void sendsEveryKindOfMessage(String name) {
    try (FakeSystemd systemd = new FakeSystemd(name);
        SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", name))) {
      assertTrue(notifier.ready());
      assertEquals("READY=1", systemd.next());
      assertTrue(notifier.status("serving: 2 workers, 0 busy"));
      assertEquals("STATUS=serving: 2 workers, 0 busy", systemd.next());
      assertTrue(notifier.watchdog());
      assertEquals("WATCHDOG=1", systemd.next());
      assertTrue(notifier.stopping());
      assertEquals("STOPPING=1", systemd.next());
      assertTrue(notifier.send("EXTEND_TIMEOUT_USEC=5000000", "STATUS=é"));
      assertEquals("EXTEND_TIMEOUT_USEC=5000000\nSTATUS=é", systemd.next());

      long before = Clocks.monotonicMicros();
      assertTrue(notifier.reloading());
      long after = Clocks.monotonicMicros();
      Matcher m = Pattern.compile("RELOADING=1\nMONOTONIC_USEC=(\\d+)").matcher(systemd.next());
      assertTrue(m.matches(), m.toString());
      long stamp = Long.parseLong(m.group(1));
      assertTrue(before <= stamp && stamp <= after, before + " <= " + stamp + " <= " + after);
      assertEquals(null, systemd.nextIfAny());
    }
  }

  @Test
  void noNotifierOutsideSystemd() {
    assertEquals(Optional.empty(), SystemdNotifier.fromEnvironment(Map.<String, String>of()::get,
        PID));
    assertEquals(Optional.empty(), SystemdNotifier.fromEnvironment(
        Map.of("NOTIFY_SOCKET", "")::get, PID));
    SystemdEnvironmentException e = assertThrows(SystemdEnvironmentException.class,
        () -> notifier(Map.of("NOTIFY_SOCKET", "vsock:2:1234")));
    assertEquals("NOTIFY_SOCKET : vsock:2:1234 (expected: an absolute path, or '@' and a name in"
        + " the abstract namespace)", e.getMessage());
  }

  @Test
  void watchdogIntervalIsHalfOfWatchdogUsecForThisProcess() {
    assertEquals(Optional.of(Duration.ofMillis(1500)),
        watchdog(Map.of("WATCHDOG_USEC", "3000000")));
    assertEquals(Optional.of(Duration.ofNanos(500)), watchdog(Map.of("WATCHDOG_USEC", "1")));
    assertEquals(Optional.of(Duration.ofSeconds(15)),
        watchdog(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", Long.toString(PID))));
    assertEquals(Optional.empty(),
        watchdog(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", Long.toString(PID + 1))));
    assertEquals(Optional.empty(), watchdog(Map.of()));
    assertEquals("WATCHDOG_USEC : 15s (expected: an integer in 1..9223372036854775807)",
        assertThrows(SystemdEnvironmentException.class,
            () -> watchdog(Map.of("WATCHDOG_USEC", "15s"))).getMessage());
    assertEquals("WATCHDOG_USEC : 0 (expected: an integer in 1..9223372036854775807)",
        assertThrows(SystemdEnvironmentException.class,
            () -> watchdog(Map.of("WATCHDOG_USEC", "0"))).getMessage());
    assertEquals("WATCHDOG_PID : me (expected: an integer in 1..2147483647)",
        assertThrows(SystemdEnvironmentException.class,
            () -> watchdog(Map.of("WATCHDOG_USEC", "1", "WATCHDOG_PID", "me"))).getMessage());
  }

  private static Optional<Duration> watchdog(Map<String, String> variables) {
    Map<String, String> env = new java.util.HashMap<>(variables);
    env.put("NOTIFY_SOCKET", "@unused");
    try (SystemdNotifier notifier = notifier(env)) {
      return notifier.watchdogInterval();
    }
  }

  @Test
  void messagesOf4096BytesOrMoreAreRefusedBeforeSending(@TempDir Path dir) {
    String name = dir.resolve("notify").toString();
    try (FakeSystemd systemd = new FakeSystemd(name);
        SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", name))) {
      String largest = "x".repeat(SystemdNotifier.MAX_MESSAGE_BYTES - 1 - "STATUS=".length());
      assertTrue(notifier.status(largest));
      assertEquals("STATUS=" + largest, systemd.next());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> notifier.status(largest + "é")); // two bytes in UTF-8
      assertEquals("message : 4097 bytes (expected: < 4096, systemd's notify buffer), starting"
          + " STATUS=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", e.getMessage());
      assertEquals(null, systemd.nextIfAny());
    }
  }

  @Test
  void newlinesNulsAndNamelessAssignmentsAreRefused(@TempDir Path dir) {
    String name = dir.resolve("notify").toString();
    try (FakeSystemd systemd = new FakeSystemd(name);
        SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", name))) {
      assertEquals("assignment : \"STATUS=two\\nlines\" (expected: NAME=value, no newline or NUL)",
          assertThrows(IllegalArgumentException.class, () -> notifier.status("two\nlines"))
              .getMessage());
      assertEquals("assignment : \"STATUS=a\\0b\" (expected: NAME=value, no newline or NUL)",
          assertThrows(IllegalArgumentException.class, () -> notifier.status("a\0b"))
              .getMessage());
      assertThrows(IllegalArgumentException.class, () -> notifier.send("READY"));
      assertThrows(IllegalArgumentException.class, () -> notifier.send("=1"));
      assertThrows(IllegalArgumentException.class, () -> notifier.send());
      assertEquals(null, systemd.nextIfAny());
    }
  }

  @Test
  void aVanishedSystemdIsReportedNotThrown(@TempDir Path dir) {
    String name = dir.resolve("notify").toString();
    try (SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", name))) {
      assertFalse(notifier.ready()); // ENOENT: no such path
      new FakeSystemd(name).close();
      assertFalse(notifier.ready()); // ECONNREFUSED: the path is left, nobody reads it
      assertFalse(notifier.send("READY=1", "STATUS=abstract next"));
    }
    try (SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", "@tether-nobody-" + PID))) {
      assertFalse(notifier.watchdog()); // ECONNREFUSED
    }
  }

  @Test
  void closeReleasesTheOneSocket(@TempDir Path dir) throws IOException {
    long before = openFds();
    SystemdNotifier notifier = notifier(Map.of("NOTIFY_SOCKET", dir.resolve("n").toString()));
    assertEquals(before + 1, openFds());
    notifier.close();
    notifier.close();
    assertEquals(before, openFds());
    assertEquals("notifier for " + dir.resolve("n") + " is closed",
        assertThrows(IllegalStateException.class, notifier::ready).getMessage());
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static SystemdNotifier notifier(Map<String, String> env) {
    return SystemdNotifier.fromEnvironment(env::get, PID).orElseThrow();
  }

  /** systemd's side: a datagram socket bound to the name, read without blocking. */
  static final class FakeSystemd implements AutoCloseable {
    private final int fd = Sockets.unixDatagram();
    private final ByteBuffer buffer = Memory.allocate(2 * SystemdNotifier.MAX_MESSAGE_BYTES);

    FakeSystemd(String name) {
      new Sockets().bindUnix(fd, name);
      Io.makeNonBlockingCloexec(fd);
    }

    /** The next datagram; sends are synchronous, so it is queued by the time send returns. */
    String next() {
      String message = nextIfAny();
      assertTrue(message != null, "no datagram queued");
      return message;
    }

    String nextIfAny() {
      long n = Sockets.receive(fd, Memory.address(buffer), buffer.capacity());
      if (n == -Linux.EAGAIN) {
        return null;
      }
      assertTrue(n >= 0, "recv: errno " + -n);
      byte[] bytes = new byte[(int) n];
      buffer.get(0, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      Io.close(fd);
    }
  }
}
