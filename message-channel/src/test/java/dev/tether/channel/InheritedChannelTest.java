package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.testing.TestThreads;
import java.io.FileOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MessageChannel#fromInheritedFd}: a channel that starts on plain JDK streams, as a fresh
 * worker's does, and moves to junixsocket when it needs to, over real socket pairs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InheritedChannelTest {
  private static final Duration LEAK_DEADLINE = Duration.ofSeconds(10);

  private final TestThreads threads = new TestThreads();

  @AfterEach
  void stopThreads() {
    threads.close();
  }

  @Test
  void anInheritedChannelAnswersWithoutNativeCodeAndUpgradesWhenFdsCome() throws Exception {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    int[] pipe = TestNatives.pipe();
    String socket = OpenFds.snapshot().get(sv[1]);
    try (MessageChannel peer = MessageChannel.fromFd(sv[0]);
        MessageChannel inherited = MessageChannel.fromInheritedFd(sv[1])) {
      peer.write("hello", "Joe");
      assertEquals(12, inherited.available(), "header and body wait in the socket");
      assertEquals(List.of("hello", "Joe"), inherited.read());
      assertEquals(0, inherited.available());
      inherited.write("hi");
      assertEquals(List.of("hi"), peer.read());

      // All at once: reading "first" over plain read(2) must stop before the fd carrier.
      peer.write("first");
      peer.writeWithFds(List.of("conn", "tcp"), TestNatives.wrap(pipe[1]));
      peer.write("after");
      assertEquals(List.of("first"), inherited.read());
      assertEquals("MessageChannel(fd=" + sv[1] + ")", inherited.toString(), "not upgraded yet");
      try (ReceivedMessage m = inherited.readWithFds()) {
        assertEquals(List.of("conn", "tcp"), m.elements());
        assertEquals(1, m.fds().size());
        try (FileOutputStream out = new FileOutputStream(m.fds().get(0))) {
          out.write('x');
        }
      }
      byte[] got = new byte[1];
      assertEquals(1, TestNatives.LIB.read(pipe[0], got, 1));
      assertEquals('x', got[0]);
      assertEquals(List.of("after"), inherited.read());

      int moved = inherited.fd();
      Map<Integer, String> now = OpenFds.snapshot();
      assertEquals(socket, now.get(moved), "the socket moved to fd " + moved);
      assertNotEquals(socket, now.get(sv[1]), "and is no longer at fd " + sv[1]);
      assertTrue(TestNatives.isCloseOnExec(moved), "fd " + moved + " is close-on-exec");
      inherited.write("done");
      assertEquals(List.of("done"), peer.read());
    } finally {
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
  }

  @Test
  void closingAnInheritedChannelWakesItsBlockedReader() throws Exception {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    Map<Integer, String> before = OpenFds.snapshot();
    try (MessageChannel peer = MessageChannel.fromFd(sv[0])) {
      MessageChannel inherited = MessageChannel.fromInheritedFd(sv[1]);
      CompletableFuture<List<String>> reading = threads.async(inherited::read);
      peer.write("one");
      assertEquals(List.of("one"), reading.get(10, TimeUnit.SECONDS));
      CompletableFuture<List<String>> blocked = threads.async(inherited::read);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (threadsBlockedIn("FileInputStream") == 0) { // close must wake it inside read(2)
        assertTrue(System.nanoTime() < deadline, "the reader never blocked in read(2)");
        Thread.yield();
      }
      inherited.close();
      ExecutionException e = assertThrows(
          ExecutionException.class, () -> blocked.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof ChannelClosedException, e.getCause().toString());
      assertNull(peer.read(), "the peer sees the end");
    }
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "inherited channel");
    OpenFds.assertClosed(before, sv[0], sv[1]);
  }

  @Test
  void anUpgradeRacingACloseLeavesNoFd() throws Exception {
    Map<Integer, String> before = OpenFds.snapshot();
    for (int i = 0; i < 200; i++) {
      int[] sv = dev.tether.unix.internal.Sockets.pair();
      MessageChannel peer = MessageChannel.fromFd(sv[0]);
      MessageChannel inherited = MessageChannel.fromInheritedFd(sv[1]);
      CompletableFuture<Void> upgrading = threads.async(inherited::upgrade);
      inherited.close();
      upgrading.get(10, TimeUnit.SECONDS); // done before or after the close: no error either way
      assertNull(peer.read(), "the peer sees the end");
      peer.close();
    }
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "200 upgrades racing closes");
  }

  private static long threadsBlockedIn(String className) {
    return Thread.getAllStackTraces().values().stream()
        .filter(trace -> trace.length > 0 && trace[0].getClassName().endsWith(className))
        .count();
  }
}
