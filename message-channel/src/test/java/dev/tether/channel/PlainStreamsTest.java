package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.internal.ChannelSocket;
import dev.tether.channel.internal.FrameReader;
import dev.tether.channel.internal.FrameWriter;
import dev.tether.testing.OpenFds;
import dev.tether.testing.TestThreads;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
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
 * A socket read through plain JDK streams ({@link ChannelSocket#ofPlainStreams}), as a fresh
 * worker's start-up reads its channel, moving to the native layer when fds come, and handed on
 * ({@link ChannelSocket#release}) with what its reader buffered, over real socket pairs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlainStreamsTest {
  private static final Duration LEAK_DEADLINE = Duration.ofSeconds(10);

  private final TestThreads threads = new TestThreads();

  @AfterEach
  void stopThreads() {
    threads.close();
  }

  @Test
  void plainStreamsReadExactlyOneUnitAndUpgradeWhenFdsCome() throws Exception {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    int[] pipe = TestNatives.pipe();
    String socket = OpenFds.snapshot().get(sv[1]);
    ChannelSocket inherited = ChannelSocket.ofPlainStreams(sv[1]);
    FrameReader reader = new FrameReader(inherited);
    FrameWriter writer = new FrameWriter(inherited);
    try (MessageChannel peer = MessageChannel.fromFd(sv[0])) {
      peer.write("hello", "Joe");
      assertEquals(12, reader.available(), "header and body wait in the socket");
      assertEquals(List.of("hello", "Joe"), reader.readMessage().elements());
      assertEquals(0, reader.available());
      writer.writeMessage(List.of("hi"));
      assertEquals(List.of("hi"), peer.read());

      // All at once: reading "first" over plain read(2) must stop before the fd carrier.
      peer.write("first");
      peer.writeWithFds(List.of("conn", "tcp"), TestNatives.wrap(pipe[1]));
      peer.write("after");
      assertEquals(List.of("first"), reader.readMessage().elements());
      assertEquals(sv[1], inherited.number(), "not upgraded yet");
      try (ReceivedMessage m = reader.readMessage()) {
        assertEquals(List.of("conn", "tcp"), m.elements());
        assertEquals(1, m.fds().size());
        try (FileOutputStream out = new FileOutputStream(m.fds().get(0))) {
          out.write('x');
        }
      }
      byte[] got = new byte[1];
      assertEquals(1, TestNatives.LIB.read(pipe[0], got, 1));
      assertEquals('x', got[0]);
      assertEquals(List.of("after"), reader.readMessage().elements());

      int moved = inherited.number();
      Map<Integer, String> now = OpenFds.snapshot();
      assertEquals(socket, now.get(moved), "the socket moved to fd " + moved);
      assertNotEquals(socket, now.get(sv[1]), "and is no longer at fd " + sv[1]);
      assertTrue(TestNatives.isCloseOnExec(moved), "fd " + moved + " is close-on-exec");
      writer.writeMessage(List.of("done"));
      assertEquals(List.of("done"), peer.read());
    } finally {
      inherited.close();
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
  }

  @Test
  void closingThePlainSocketWakesItsBlockedReader() throws Exception {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    Map<Integer, String> before = OpenFds.snapshot();
    try (MessageChannel peer = MessageChannel.fromFd(sv[0])) {
      ChannelSocket inherited = ChannelSocket.ofPlainStreams(sv[1]);
      FrameReader reader = new FrameReader(inherited);
      CompletableFuture<ReceivedMessage> reading = threads.async(reader::readMessage);
      peer.write("one");
      assertEquals(List.of("one"), reading.get(10, TimeUnit.SECONDS).elements());
      CompletableFuture<ReceivedMessage> blocked = threads.async(reader::readMessage);
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
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "plain socket");
    OpenFds.assertClosed(before, sv[0], sv[1]);
  }

  @Test
  void aReleasedSocketIsCloseOnExecAndItsReaderGoesOnWithPushedBytes() throws Exception {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    Map<Integer, String> before = OpenFds.snapshot();
    ChannelSocket inherited = ChannelSocket.ofPlainStreams(sv[1]);
    FrameReader reader = new FrameReader(inherited);
    int released;
    try (MessageChannel peer = MessageChannel.fromFd(sv[0])) {
      peer.write("pulled");
      assertEquals(List.of("pulled"), reader.readMessage().elements());
      released = inherited.release();
      reader.detach();
      assertTrue(inherited.isClosed(), "released: no longer the socket's");
      assertTrue(TestNatives.isCloseOnExec(released), "fd " + released);
      assertFalse(inherited.close(), "a released socket is not closed by its old owner");

      peer.writeAll(List.of(List.of("pushed", "1"), List.of("pushed", "2")));
      byte[] bytes = new byte[64];
      int n = (int) TestNatives.LIB.read(released, bytes, bytes.length);
      for (int i = 0; i < n; i++) { // one byte at a time: a unit is polled once it is whole
        reader.push(ByteBuffer.wrap(bytes, i, 1));
        ReceivedMessage m = reader.pollMessage();
        if (m != null) {
          assertEquals("pushed", m.name());
          assertEquals(i < n - 1 ? "1" : "2", m.elements().get(1), "at byte " + i);
        }
      }
      assertNull(reader.pollMessage());
      assertThrows(IllegalStateException.class, reader::readMessage, "detached: pushed only");
    }
    TestNatives.LIB.close(released);
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "released socket");
  }

  private static long threadsBlockedIn(String className) {
    return Thread.getAllStackTraces().values().stream()
        .filter(trace -> trace.length > 0 && trace[0].getClassName().endsWith(className))
        .count();
  }
}
