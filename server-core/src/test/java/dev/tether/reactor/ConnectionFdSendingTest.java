package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Connection#sendFileDescriptors}: the reactor's end of a socket pair sends, a blocking
 * {@link MessageChannel} (which ties each received fd to the byte it came with) reads.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionFdSendingTest {
  private static final byte[] FILLER = frame("filler", "x".repeat(32_000));

  @TempDir Path dir;

  /** The accepting end of a Unix socket that collects what it receives, fds included. */
  static final class Receiver extends Connection {
    final List<Integer> fds = new CopyOnWriteArrayList<>();
    final StringBuffer bytes = new StringBuffer();

    @Override
    protected void postInit() {
      enableFileDescriptorReceiving(4);
    }

    @Override
    protected void receiveFileDescriptors(int[] received) {
      bytes.append("<fds>");
      for (int fd : received) {
        fds.add(fd);
      }
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      bytes.append(StandardCharsets.ISO_8859_1.decode(data));
    }
  }

  /** A connection that only sends, and records its unbind. */
  static final class Sender extends Connection {
    volatile boolean unbound;

    @Override
    protected void unbind() {
      unbound = true;
    }
  }

  private static byte[] frame(String... elements) {
    return frame(List.of(elements));
  }

  private static byte[] frame(List<String> elements) {
    ByteBuffer buffer = ByteBuffer.allocate(MessageEncoder.messageSize(elements));
    MessageEncoder.encodeMessage(elements, buffer);
    return buffer.array();
  }

  /** Sends filler frames until one is (partly) queued; returns how many were sent. */
  private static int fill(Connection sender) {
    int frames = 0;
    boolean written;
    do {
      assertTrue(++frames < 1000, "the socket never refused data");
      written = sender.sendData(FILLER);
    } while (written);
    assertTrue(sender.outboundBytes() > 0);
    return frames;
  }

  private static void readFillers(MessageChannel peer, int frames) {
    for (int i = 0; i < frames; i++) {
      assertEquals("filler", peer.read().get(0), "filler frame " + i);
    }
  }

  /** Reads and drops {@code length} bytes from the blocking socket {@code fd}. */
  private static void discard(int fd, int length) {
    for (int left = length; left > 0; ) {
      int n = Io.read(fd, new byte[left]);
      assertTrue(n > 0, "end of stream with " + left + " bytes to discard");
      left -= n;
    }
  }

  /** Writes {@code text} through a received pipe write end, then closes that fd. */
  private static void writeThrough(FileDescriptor fd, String text) throws IOException {
    try (FileOutputStream out = new FileOutputStream(fd)) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String readPipe(int fd, int length) {
    byte[] buffer = new byte[length];
    int n = Io.read(fd, buffer);
    return new String(buffer, 0, n, StandardCharsets.US_ASCII);
  }

  /** Closes each of {@code fds} but those set to -1 (closed by the test already). */
  private static void closeAll(int... fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        Io.close(fd);
      }
    }
  }

  @Test
  void fdsSentOnAnIdleConnectionArriveWithTheirByteBetweenTheBytesAround() throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    try (MessageChannel peer = MessageChannel.fromFd(pair[0]);
        ReactorRunner runner = new ReactorRunner()) {
      Sender sender = runner.call(() -> runner.reactor.attach(pair[1], new Sender()));
      Map<Integer, String> before = OpenFds.snapshot();
      runner.run(() -> {
        assertTrue(sender.sendData(frame("before")));
        assertTrue(sender.sendFileDescriptors(pipe[1]), "sent at once: nothing queued");
        assertTrue(sender.sendData(frame("after")));
      });
      Io.close(pipe[1]); // the caller's copy; the peer's arrives with the byte
      pipe[1] = -1;

      // read() throws if fds came with the frame, recvFd if they did not come with the byte.
      assertEquals(List.of("before"), peer.read());
      FileDescriptor received = peer.recvFd(false);
      assertEquals(List.of("after"), peer.read());
      writeThrough(received, "via fd");
      assertEquals("via fd", readPipe(pipe[0], 16));
      OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(10), "sent without duplicates");
      assertEquals("", readPipe(pipe[0], 16), "EOF: every copy of the write end is closed");
    } finally {
      closeAll(pipe);
    }
  }

  @Test
  void fdsSentBehindQueuedDataAreDuplicatedAndArriveInOrder() throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    int[] first = Io.pipe(true);
    int[] second = Io.pipe(true);
    try (MessageChannel peer = MessageChannel.fromFd(pair[0]);
        ReactorRunner runner = new ReactorRunner()) {
      Sender sender = runner.call(() -> runner.reactor.attach(pair[1], new Sender()));
      Map<Integer, String> before = OpenFds.snapshot();
      int fillers = runner.call(() -> {
        int frames = fill(sender);
        // The peer makes room before the reactor's next turn: the socket would take the byte
        // now, but the queued data must go first.
        discard(pair[0], FILLER.length);
        assertFalse(sender.sendData(frame(MessageEncoder.withFdHeader(List.of("fds"), 2))));
        long queued = sender.outboundBytes();
        sender.setWatermarks(0, queued + 1500);
        assertTrue(sender.isWritable(), "below the high watermark");
        assertFalse(sender.sendFileDescriptors(first[1], second[1]), "queued behind the data");
        assertEquals(queued + 1, sender.outboundBytes(), "the carrier counts as one byte");
        assertFalse(sender.isWritable(), "but each queued fd weighs 1 KiB against the watermarks");
        assertFalse(sender.sendData(frame("after")));
        return frames - 1;
      });
      // The connection holds duplicates of its own ...
      assertTrue(OpenFds.openedSince(before).values()
          .containsAll(List.of(before.get(first[1]), before.get(second[1]))),
          "duplicates of the queued fds: " + OpenFds.openedSince(before));
      // ... so the caller may close its originals at once.
      closeAll(first[1], second[1]);
      first[1] = -1;
      second[1] = -1;

      readFillers(peer, fillers);
      try (ReceivedMessage message = peer.readWithFds()) {
        assertEquals(List.of("fds"), message.elements());
        assertEquals(2, message.fds().size());
        writeThrough(message.fds().get(0), "one");
        writeThrough(message.fds().get(1), "two");
      }
      assertEquals(List.of("after"), peer.read());
      assertEquals("one", readPipe(first[0], 16));
      assertEquals("two", readPipe(second[0], 16));
      OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(10), "duplicates closed once sent");
      assertEquals("", readPipe(first[0], 16), "EOF: every copy of the write end is closed");
      assertEquals("", readPipe(second[0], 16));
      assertTrue(runner.call(sender::isOpen));
      assertEquals(0L, (long) runner.call(sender::outboundBytes));
    } finally {
      closeAll(first[0], first[1], second[0], second[1]);
    }
  }

  @Test
  void aConnectionStillConnectingQueuesTheFdsUntilConnected() throws Exception {
    ReactorRunner.warmUp();
    Path path = dir.resolve("fds.sock");
    int[] pipe = Io.pipe(true);
    try (ReactorRunner runner = new ReactorRunner()) {
      Receiver receiver = new Receiver();
      runner.run(() -> runner.reactor.startUnixServer(path, () -> receiver));
      String pipeTarget = OpenFds.snapshot().get(pipe[0]);
      runner.run(() -> {
        Sender sender = runner.reactor.connectUnix(path, new Sender());
        assertFalse(sender.sendData("a".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(sender.sendFileDescriptors(pipe[1]), "queued until connected");
        assertFalse(sender.sendData("b".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(3, sender.outboundBytes());
      });
      Io.close(pipe[1]);
      pipe[1] = -1;
      ReactorRunner.waitFor("the fd and both bytes", () -> receiver.bytes.length() == 8);
      // The fds come before the read that ends with their byte (recvmsg stops after it).
      assertTrue(List.of("<fds>a\0b", "a<fds>\0b").contains(receiver.bytes.toString()),
          receiver.bytes.toString());
      assertEquals(1, receiver.fds.size());
      int received = receiver.fds.get(0);
      Io.writeFully(received, "late".getBytes(StandardCharsets.US_ASCII));
      Io.close(received);
      assertEquals("late", readPipe(pipe[0], 16));
      ReactorRunner.waitFor("duplicate closed once sent", () -> OpenFds.snapshot().values()
          .stream().filter(pipeTarget::equals).count() == 1);
      assertEquals("", readPipe(pipe[0], 16), "EOF: every copy of the write end is closed");
    } finally {
      closeAll(pipe);
    }
  }

  @Test
  void closingWithFdsQueuedClosesTheDuplicates() throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    try (MessageChannel peer = MessageChannel.fromFd(pair[0]);
        ReactorRunner runner = new ReactorRunner()) {
      Sender sender = runner.call(() -> runner.reactor.attach(pair[1], new Sender()));
      Map<Integer, String> before = OpenFds.snapshot();
      runner.run(() -> {
        fill(sender);
        assertFalse(sender.sendFileDescriptors(pipe[1], pipe[1], pipe[1]));
      });
      assertEquals(3, OpenFds.openedSince(before).values().stream()
          .filter(before.get(pipe[1])::equals).count(), "three duplicates queued");
      runner.run(sender::closeConnection);
      assertTrue(sender.unbound);
      OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(10),
          "duplicates closed with the connection");
      Io.close(pipe[1]);
      pipe[1] = -1;
      assertEquals("", readPipe(pipe[0], 16), "EOF: no copy of the write end is left");
    } finally {
      closeAll(pipe);
    }
  }

  @Test
  void badArgumentsAreRefusedNamingTheValueAndTheLimit() throws Exception {
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    try (MessageChannel peer = MessageChannel.fromFd(pair[0]);
        ReactorRunner runner = new ReactorRunner()) {
      Sender sender = runner.call(() -> runner.reactor.attach(pair[1], new Sender()));
      IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
          () -> runner.call(sender::sendFileDescriptors));
      assertEquals("fds.length : 0 (expected: 1..253)", empty.getMessage());
      int[] tooMany = new int[Linux.SCM_MAX_FD + 1];
      Arrays.fill(tooMany, pipe[1]);
      IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> sender.sendFileDescriptors(tooMany)));
      assertEquals("fds.length : 254 (expected: 1..253)", many.getMessage());
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> sender.sendFileDescriptors(pipe[1], -1)));
      assertEquals("fds[1] : -1 (expected: >= 0)", negative.getMessage());

      // An fd that is not open is the caller's error: sent now or queued, the connection stays.
      NativeCallException notOpen = assertThrows(NativeCallException.class,
          () -> runner.call(() -> sender.sendFileDescriptors(Integer.MAX_VALUE)));
      assertEquals(Linux.EBADF, notOpen.errno());
      int fillers = runner.call(() -> fill(sender));
      long queued = runner.call(sender::outboundBytes);
      NativeCallException notOpenQueued = assertThrows(NativeCallException.class,
          () -> runner.call(() -> sender.sendFileDescriptors(pipe[1], Integer.MAX_VALUE)));
      assertEquals(Linux.EBADF, notOpenQueued.errno());
      assertEquals(queued, (long) runner.call(sender::outboundBytes), "nothing queued");
      assertTrue(runner.call(sender::isOpen));
      runner.run(() -> sender.sendData(frame("after")));
      readFillers(peer, fillers);
      assertEquals(List.of("after"), peer.read(), "no fd byte in between");
    } finally {
      closeAll(pipe);
    }
  }

  @Test
  void aClosingOrClosedConnectionSendsAndDuplicatesNothing() throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    int[] pipe = Io.pipe(true);
    try (MessageChannel peer = MessageChannel.fromFd(pair[0]);
        ReactorRunner runner = new ReactorRunner()) {
      Sender sender = runner.call(() -> runner.reactor.attach(pair[1], new Sender()));
      int fillers = runner.call(() -> fill(sender));
      Map<Integer, String> before = OpenFds.snapshot();
      runner.run(() -> {
        sender.closeConnectionAfterWriting();
        assertFalse(sender.sendFileDescriptors(pipe[1]));
      });
      assertEquals(Map.of(), OpenFds.openedSince(before), "closing: nothing duplicated");
      readFillers(peer, fillers);
      assertNull(peer.read(), "end of stream, no fd byte before it");
      ReactorRunner.waitFor("unbind", () -> sender.unbound);

      before = OpenFds.snapshot();
      assertFalse(runner.call(() -> sender.sendFileDescriptors(pipe[1])));
      assertEquals(Map.of(), OpenFds.openedSince(before), "closed: nothing duplicated");
    } finally {
      closeAll(pipe);
    }
  }
}
