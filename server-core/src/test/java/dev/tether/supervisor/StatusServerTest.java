package dev.tether.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.supervisor.internal.StatusRequest;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final PoolStatus STATUS = StatusFixtures.sample(PoolState.SERVING);

  @TempDir
  Path tmp;
  private StatusServer server;

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private Path socket() {
    return tmp.resolve("status").resolve("pool.sock");
  }

  private String ask(String request) throws IOException {
    return StatusClient.request(socket(), request, WAIT);
  }

  @Test
  void answersEveryRequestFromTheSource() throws IOException {
    server = StatusServer.start(socket(), () -> STATUS);
    assertEquals(STATUS.toJson() + "\n", ask("status"));
    assertEquals(STATUS.toTable(), ask("table"));
    assertEquals(STATUS.toMetrics(), ask("metrics"));
    assertEquals("ready: 1 of 2 workers ready (minimum 1), pool SERVING\n", ask("ready"));
    assertTrue(ask("live").startsWith("live: the pool's loop answered in "));
  }

  @Test
  void theSocketIs0600InA0700DirectoryAndGoesWithTheServer() throws IOException {
    server = StatusServer.start(socket(), () -> STATUS);
    assertEquals(040700, mode(socket().getParent()));
    assertEquals(0140600, mode(socket()));
    server.close();
    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(socket().getParent()), "the directory it created stays");
    server.close(); // once is enough; twice does nothing
  }

  @Test
  void badRequestsAreAnsweredWithAnError() throws IOException {
    server = StatusServer.start(socket(), () -> STATUS);
    assertEquals("error: unknown request 'st\\u001batus' (expected: one of status, table,"
        + " metrics, ready, live)\n", ask("st\u001batus"));
    assertEquals("error: request longer than 64 bytes (expected: one of status, table, metrics,"
        + " ready, live)\n", ask("x".repeat(100)));
  }

  @Test
  void aProbeFailsWhenTheSourceIsLateOrFails() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    Supplier<PoolStatus> stuck = () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return STATUS;
    };
    server = StatusServer.start(socket(), stuck, 1, Duration.ofMillis(300));
    try {
      assertEquals("error: no status within 300 ms: the pool's loop does not answer\n",
          ask("live"));
      assertEquals(1, client("--live", socket().toString()).status);
    } finally {
      release.countDown();
    }
    server.close();
    server = StatusServer.start(socket(), () -> {
      throw new IllegalStateException("broken");
    });
    assertEquals("error: the status failed: java.lang.IllegalStateException: broken\n",
        ask("ready"));
  }

  @Test
  void readyNeedsTheMinimumOfWorkers() throws IOException {
    server = StatusServer.start(socket(), () -> STATUS, 2, StatusServer.DEFAULT_DEADLINE);
    Result ready = client("--ready", socket().toString());
    assertEquals(1, ready.status);
    assertEquals("tether-status: " + socket() + ": error: not ready: 1 of 2 workers ready"
        + " (minimum 2), pool SERVING\n", ready.err);
  }

  @Test
  void refusesADirectoryOthersCanReachOrThatIsNotOurs() throws IOException {
    Path dir = Files.createDirectory(socket().getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    StatusSocketException open = assertThrows(StatusSocketException.class,
        () -> StatusServer.start(socket(), () -> STATUS));
    assertTrue(open.getMessage().startsWith("status socket directory " + dir
        + " : directory mode 0750 owned by uid "), open.getMessage());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(dir, "unix:uid", 65534);
    StatusSocketException owner = assertThrows(StatusSocketException.class,
        () -> StatusServer.start(socket(), () -> STATUS));
    assertTrue(owner.getMessage().contains("mode 0700 owned by uid 65534 (expected: a directory"
        + " owned by uid " + Files.getAttribute(tmp, "unix:uid")), owner.getMessage());
    assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void replacesASocketFileNobodyAnswersButNotALiveServer() throws IOException {
    Files.createDirectory(socket().getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Io.close(new Sockets().listenUnix(socket(), 1)); // a dead server's file
    server = StatusServer.start(socket(), () -> STATUS);
    assertEquals("ready: 1 of 2 workers ready (minimum 1), pool SERVING\n", ask("ready"));
    StatusSocketException twice = assertThrows(StatusSocketException.class,
        () -> StatusServer.start(socket(), () -> STATUS));
    assertEquals("status socket " + socket() + " : a server answers on it already (expected:"
        + " none; stop it first)", twice.getMessage());
    assertEquals("ready: 1 of 2 workers ready (minimum 1), pool SERVING\n", ask("ready"));
    server.close();
    assertTrue(Files.exists(socket().getParent()), "a directory it did not create stays");
  }

  @Test
  void leavesNoFdAndNoThread() throws IOException {
    long before = openFds();
    for (int i = 0; i < 3; i++) {
      try (StatusServer s = StatusServer.start(socket(), () -> STATUS)) {
        ask("status");
        ask("bogus");
      }
    }
    assertEquals(before, openFds());
    assertFalse(Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("tether-status")), "tether-status thread left");
  }

  @Test
  void theClientSaysWhatWentWrongAndExits1Or2() {
    Result unreachable = client("--live", socket().toString());
    assertEquals(1, unreachable.status);
    assertTrue(unreachable.err.startsWith("tether-status: cannot reach the status socket "
        + socket() + ": "), unreachable.err);
    assertEquals(2, client().status);
    assertTrue(client().err.contains("usage: tether-status"));
    assertEquals(2, client("--live", "--ready", "x").status);
    assertEquals(2, client("a", "b").status);
    assertEquals(2, client("--verbose", "a").status);
    assertEquals(0, client("--help").status);
    assertEquals(StatusRequest.STATUS.word(), "status");
  }

  private static long openFds() {
    File[] fds = new File("/proc/self/fd").listFiles();
    return fds == null ? -1 : fds.length;
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }

  private static Result client(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = StatusClient.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private record Result(int status, String out, String err) {}
}
