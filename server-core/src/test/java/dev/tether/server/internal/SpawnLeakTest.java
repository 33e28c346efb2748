package dev.tether.server.internal;

import dev.tether.unix.internal.Io;
import static dev.tether.server.internal.Children.JVM_START;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.reactor.ExitStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.tether.testing.OpenFds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Spawn/reap cycles with every resource in play must leave no fd, thread or child behind. */
@Timeout(value = 180, threadMode = ThreadMode.SEPARATE_THREAD)
class SpawnLeakTest {
  private static final int CYCLES = 20;

  @Test
  void twentyCyclesLeaveNothingBehind() throws Exception {
    cycle(); // warm-up: jnr-ffi, logging and the JDK load their own fds and threads once
    var fdsBefore = OpenFds.snapshot();
    int threadsBefore = Thread.activeCount();

    for (int i = 0; i < CYCLES; i++) {
      cycle();
    }

    Children.await("tether threads to end", JVM_START, () -> tetherThreads().isEmpty());
    Children.await("no children", JVM_START,
        () -> ProcessHandle.current().children().findAny().isEmpty());
    assertEquals(List.of(), tetherThreads());
    OpenFds.assertNoneOpenedSince(fdsBefore, JVM_START, "after " + CYCLES + " cycles");
    Children.await("thread count back to " + threadsBefore, JVM_START,
        () -> Thread.activeCount() <= threadsBefore);
  }

  /** One full worker life: socket pair on fd 3, both outputs captured, round trip, exit, reap. */
  private static void cycle() throws Exception {
    int[] pair = dev.tether.unix.internal.Sockets.pair();
    Children.Lines lines = new Children.Lines();
    ChildProcess child;
    try {
      child = ProcessSpawner.spawn(Children.request(Children.testChild("echo"))
          .fd3(pair[1]).stdout(lines.output()).stderr(lines.output()).build());
    } finally {
      Io.close(pair[1]);
    }
    try {
      Io.writeFully(pair[0], "ping\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[64];
      int n = Io.read(pair[0], reply);
      assertEquals("echo:ping\n", new String(reply, 0, n, StandardCharsets.US_ASCII));
    } finally {
      Io.close(pair[0]);
    }
    assertEquals(new ExitStatus.Exited(0), child.awaitExit(JVM_START).orElseThrow(),
        () -> "output: " + lines.queue);
    child.outputDrained().get(JVM_START.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static List<String> tetherThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.startsWith("tether-"))
        .toList();
  }
}
