package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.ChannelSocket;
import dev.tether.channel.internal.FrameReader;
import dev.tether.testing.OpenFds;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link FrameReader} fed by an event loop ({@link FrameReader#push}, {@link
 * FrameReader#fdsArrived}), as a worker's reactor connection feeds it: units are taken once whole,
 * fds matched to their units by stream offset, and input that loses the place in the stream
 * breaks the reader for good. The bytes and fds come from a real socket pair (sendmsg/recvmsg).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushedReaderTest {
  private static final Duration LEAK_DEADLINE = Duration.ofSeconds(10);

  private final Map<Integer, String> before = OpenFds.snapshot();

  /** Opens what stays open once per JVM (jffi's /dev/random and /dev/urandom, the JDK's). */
  @BeforeAll
  static void openOncePerJvm() throws Exception {
    java.nio.file.Files.delete(java.nio.file.Files.createTempFile("warm", null));
    MessageChannel.pair().close();
  }
  private final int[] sv = dev.tether.unix.internal.Sockets.pair();
  private final MessageChannel peer = MessageChannel.fromFd(sv[0]);
  private final ChannelSocket socket = ChannelSocket.of(sv[1]);
  private final FrameReader reader = new FrameReader(socket);

  PushedReaderTest() {
    reader.detach();
  }

  @AfterEach
  void closeAndCheck() {
    reader.closeAll();
    socket.close();
    peer.close();
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "pushed reader");
  }

  /** Reads what waits in the socket (one recvmsg, with its fds) and pushes it in small pieces. */
  private void pushWhatCame(int piece, List<ReceivedMessage> into) {
    byte[] bytes = new byte[128 * 1024];
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
    int n;
    try {
      n = socket.io().read(buffer);
      java.io.FileDescriptor[] fds = socket.io().takeReceivedFds();
      int[] numbers = new int[fds.length];
      for (int i = 0; i < fds.length; i++) {
        numbers[i] = TestNatives.number(fds[i]);
      }
      if (numbers.length > 0) {
        reader.fdsArrived(numbers, n);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    for (int at = 0; at < n; at += piece) {
      reader.push(ByteBuffer.wrap(bytes, at, Math.min(piece, n - at)));
      for (ReceivedMessage m; (m = reader.pollMessage()) != null; ) {
        into.add(m);
      }
    }
  }

  @Test
  void unitsAreTakenOnceWholeWithTheirFdsWhateverThePieces() throws Exception {
    int[] pipe = TestNatives.pipe();
    peer.write("one");
    peer.writeWithFds(List.of("two", "x"), TestNatives.wrap(pipe[1]));
    peer.write("three", "y".repeat(1000));
    List<ReceivedMessage> got = new ArrayList<>();
    while (got.size() < 3) {
      pushWhatCame(1, got); // the fds end one recvmsg: several reads
    }
    assertEquals(List.of("one"), got.get(0).elements());
    assertEquals(List.of("two", "x"), got.get(1).elements());
    assertEquals(1, got.get(1).fds().size());
    try (FileOutputStream out = new FileOutputStream(got.get(1).fds().get(0))) {
      out.write('z');
    }
    byte[] z = new byte[1];
    assertEquals(1, TestNatives.LIB.read(pipe[0], z, 1));
    assertEquals('z', z[0]);
    assertEquals(List.of("three", "y".repeat(1000)), got.get(2).elements());
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void pollElementsHandsTheFdsOverOnceAndCloseAllClosesUntakenOnes() throws Exception {
    int[] pipe = TestNatives.pipe();
    peer.writeWithFds(List.of("two", "x"), TestNatives.wrap(pipe[1]));
    peer.writeWithFds(List.of("three"), TestNatives.wrap(pipe[1]));
    peer.write("four");
    List<List<String>> got = new ArrayList<>();
    List<java.io.FileDescriptor> taken = new ArrayList<>();
    byte[] bytes = new byte[1024];
    while (got.size() < 3) {
      int n = socket.io().read(ByteBuffer.wrap(bytes));
      java.io.FileDescriptor[] fds = socket.io().takeReceivedFds();
      if (fds.length > 0) {
        reader.fdsArrived(new int[] {TestNatives.number(fds[0])}, n);
      }
      reader.push(ByteBuffer.wrap(bytes, 0, n));
      for (List<String> m; (m = reader.pollElements()) != null; ) {
        got.add(m);
        if (got.size() == 1) {
          taken.addAll(reader.takePolledFds());
          assertEquals(List.of(), reader.takePolledFds(), "handed over once");
        } // the fd of "three" is left with the reader: the next poll or closeAll closes it
      }
    }
    assertEquals(List.of(List.of("two", "x"), List.of("three"), List.of("four")), got);
    assertEquals(1, taken.size());
    TestNatives.LIB.close(TestNatives.number(taken.get(0)));
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void aScalarIsPutTogetherAcrossPushes() throws Exception {
    byte[] payload = new byte[300_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> peer.writeScalar(payload));
    byte[] got = null;
    int received = 0;
    while (got == null) {
      ByteBuffer chunk = ByteBuffer.allocate(8192);
      int n;
      try {
        n = socket.io().read(chunk);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      received += n;
      chunk.flip();
      while (chunk.hasRemaining() && got == null) {
        reader.push(chunk);
        got = reader.pollScalar(MessageChannel.DEFAULT_MAX_SCALAR_SIZE);
      }
    }
    writing.get(10, TimeUnit.SECONDS);
    assertEquals(payload.length + 4, received);
    assertArrayEquals(payload, got);
    assertNull(reader.pollMessage(), "nothing after it");
  }

  @Test
  void aScalarAboveTheMaximumBreaksTheReaderBeforeItsPayloadIsDecoded() {
    // A proto handler's payload whose header is too large: its bytes would parse as frames.
    ByteBuffer smuggled = ByteBuffer.allocate(64);
    MessageEncoder.encodeMessage(List.of("smuggled"), smuggled);
    smuggled.flip();
    ByteBuffer stream = ByteBuffer.allocate(4 + smuggled.remaining());
    stream.putInt(100).put(smuggled).flip();
    reader.push(stream);
    ScalarTooLargeException e =
        assertThrows(ScalarTooLargeException.class, () -> reader.pollScalar(10));
    ChannelBrokenException broken = assertThrows(ChannelBrokenException.class,
        reader::pollMessage);
    assertSame(e, broken.getCause());
    assertThrows(ChannelBrokenException.class, () -> reader.pollScalar(1000));
  }

  @Test
  void aBadFdHeaderBreaksTheReader() {
    ByteBuffer frame = ByteBuffer.allocate(64);
    MessageEncoder.encodeMessage(List.of(WireFormat.FDS_MARKER, "0", "conn"), frame);
    frame.put((byte) 0).flip();
    reader.push(frame);
    assertThrows(MalformedFrameException.class, reader::pollMessage);
    assertThrows(ChannelBrokenException.class, reader::pollMessage);
  }
}
