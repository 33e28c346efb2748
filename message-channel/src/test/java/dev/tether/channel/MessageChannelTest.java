package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.test.WorkerConfig;
import dev.tether.testing.OpenFds;
import dev.tether.testing.TestThreads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageChannelTest {
  private static final Duration LEAK_DEADLINE = Duration.ofSeconds(10);

  private MessageChannel.Pair pair;
  private MessageChannel a;
  private MessageChannel b;
  private final TestThreads threads = new TestThreads();

  @BeforeEach
  void open() {
    pair = MessageChannel.pair();
    a = pair.first();
    b = pair.second();
  }

  @AfterEach
  void close() {
    pair.close();
    threads.close();
  }

  @Test
  void messagesHashesScalarsAndProtosRoundTrip() {
    a.write("hello", "Joe", "Dalton");
    a.write(List.of());
    a.write("caf\u00e9", "", "\uD83D\uDE00");
    Map<String, String> hash = new LinkedHashMap<>();
    hash.put("pid", "1234");
    hash.put("empty", "");
    a.writeHash(hash);
    a.writeScalar(new byte[] {0, 1, 2, 0});
    a.writeScalar(new byte[0]);
    byte[] big = new byte[200_000];
    new java.util.Random(1).nextBytes(big);
    a.writeScalar(big);
    WorkerConfig config = WorkerConfig.newBuilder().setName("w1").setThreads(4).addTags("x")
        .setBlob(ByteString.copyFrom(big, 0, 100)).build();
    a.writeProto(config);
    a.writeBytes(List.of(new byte[] {(byte) 0xff, 1}, new byte[0]));

    assertEquals(List.of("hello", "Joe", "Dalton"), b.read());
    assertEquals(List.of(), b.read());
    assertEquals(List.of("caf\u00e9", "", "\uD83D\uDE00"), b.read());
    assertEquals(hash, b.readHash());
    assertArrayEquals(new byte[] {0, 1, 2, 0}, b.readScalar());
    assertArrayEquals(new byte[0], b.readScalar());
    assertArrayEquals(big, b.readScalar());
    assertEquals(config, b.readProto(WorkerConfig.parser()));
    List<byte[]> raw = b.readBytes();
    assertArrayEquals(new byte[] {(byte) 0xff, 1}, raw.get(0));
    assertArrayEquals(new byte[0], raw.get(1));
  }

  @Test
  void endOfStreamReadsAsNull() {
    a.write("last");
    a.close();
    assertEquals(List.of("last"), b.read());
    assertNull(b.read());
    assertNull(b.read());
    assertNull(b.readScalar());
    assertNull(b.readHash());
  }

  @Test
  void truncatedFrameNamesExpectedAndReceivedBytes() {
    TestNatives.writeFully(a.fd(), new byte[] {0, 5, 'a'});
    a.close();
    TruncatedFrameException e = assertThrows(TruncatedFrameException.class, b::read);
    assertEquals("end of stream inside a message: expected 7 bytes, got 3", e.getMessage());
  }

  @Test
  void scalarOverTheMaximumIsRefusedFromItsHeaderAndBreaksTheChannel() {
    a.writeScalar(new byte[100]);
    a.write("after");
    ScalarTooLargeException e = assertThrows(ScalarTooLargeException.class, () -> b.readScalar(10));
    assertEquals("scalar is 100 bytes (expected: <= 10)", e.getMessage());
    // The payload's bytes are not read as frames: every later read says why.
    ChannelBrokenException broken = assertThrows(ChannelBrokenException.class, b::read);
    assertEquals(e, broken.getCause());
    assertThrows(ChannelBrokenException.class, () -> b.readScalar(1000));
  }

  @Test
  void aScalarHeaderAloneAllocatesNothingLikeTheSizeItAnnounces() {
    int announced = 70_000_000;
    byte[] bytes = java.nio.ByteBuffer.allocate(7).putInt(announced).put(new byte[] {1, 2, 3})
        .array();
    TestNatives.writeFully(a.fd(), bytes);
    a.close();
    long before = allocatedByThisThread();
    TruncatedFrameException e =
        assertThrows(TruncatedFrameException.class, () -> b.readScalar(announced));
    long allocated = allocatedByThisThread() - before;
    assertEquals("end of stream inside a scalar: expected 70000004 bytes, got 7", e.getMessage());
    assertTrue(allocated < 2_000_000, "reading 7 bytes allocated " + allocated + " bytes");
  }

  /** Heap bytes this thread has allocated so far (HotSpot's per-thread count). */
  private static long allocatedByThisThread() {
    // java.management is not readable from the module at compile time: reflect.
    try {
      Object threads = Class.forName("java.lang.management.ManagementFactory")
          .getMethod("getThreadMXBean").invoke(null);
      return (long) Class.forName("com.sun.management.ThreadMXBean")
          .getMethod("getThreadAllocatedBytes", long.class)
          .invoke(threads, Thread.currentThread().getId());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("no per-thread allocation count in this JVM", e);
    }
  }

  @Test
  void aLargeScalarArrivesWhole() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024 + 3];
    new java.util.Random(2).nextBytes(big);
    CompletableFuture<Void> writer = threads.async(() -> a.writeScalar(big));
    assertArrayEquals(big, b.readScalar());
    writer.get(30, TimeUnit.SECONDS);
  }

  @Test
  void oddHashIsRefused() {
    a.write("k1", "v1", "k2");
    assertThrows(OddHashException.class, b::readHash);
  }

  @Test
  void refusedWritesLeaveTheStreamIntact() {
    assertThrows(InvalidElementException.class, () -> a.write("bad\0name"));
    assertThrows(FrameTooLargeException.class, () -> a.write("x", "y".repeat(70_000)));
    a.write("fine");
    assertEquals(List.of("fine"), b.read());
  }

  @Test
  void namesStartingWithU0001AreRefusedBeforeAnythingIsWritten() {
    ReservedNameException e = assertThrows(ReservedNameException.class,
        () -> a.write(WireFormat.FDS_MARKER, "1", "conn"));
    assertEquals("message name \"\\u0001fds\" starts with U+0001 (expected: any other first"
        + " character; U+0001 is reserved for Tether's own frames)", e.getMessage());
    assertThrows(ReservedNameException.class, () -> a.write(List.of("\u0001")));
    assertThrows(ReservedNameException.class, () -> a.writeHash(Map.of("\u0001fds", "1")));
    assertThrows(ReservedNameException.class,
        () -> a.writeBytes(List.of(new byte[] {1, 'f', 'd', 's'}, new byte[] {'1'})));
    assertThrows(ReservedNameException.class,
        () -> a.writeAll(List.of(List.of("before"), List.of("\u0001fds", "1", "x"))));
    int[] pipe = TestNatives.pipe();
    try {
      assertThrows(ReservedNameException.class, () -> a.writeWithFds(
          List.of(WireFormat.FDS_MARKER, "1", "x"), TestNatives.wrap(pipe[0])));
    } finally {
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
    a.write("x", "\u0001 in an argument is fine", "");
    a.write(List.of());
    assertEquals(List.of("before"), b.read());
    assertEquals(List.of("x", "\u0001 in an argument is fine", ""), b.read());
    assertEquals(List.of(), b.read());
    a.close();
    assertNull(b.read(), "nothing else was written");
  }

  @Test
  void invalidUtf8IsReportedAndTheChannelStaysInStep() {
    a.writeBytes(List.of(new byte[] {(byte) 0xc3}));
    a.write("next");
    assertThrows(InvalidUtf8Exception.class, b::read);
    assertEquals(List.of("next"), b.read());
  }

  @Test
  void concurrentReaderAndWriterOnEachEnd() throws Exception {
    int n = 20_000;
    CompletableFuture<Void> writer = threads.async(() -> {
      for (int i = 0; i < n; i++) {
        a.write("m", Integer.toString(i));
      }
    });
    CompletableFuture<Integer> echoer = threads.async(() -> {
      int count = 0;
      for (List<String> m; count < n && (m = b.read()) != null; count++) {
        b.write("echo", m.get(1));
      }
      return count;
    });
    for (int i = 0; i < n; i++) {
      assertEquals(List.of("echo", Integer.toString(i)), a.read());
    }
    writer.get(30, TimeUnit.SECONDS);
    assertEquals(n, echoer.get(30, TimeUnit.SECONDS));
  }

  @Test
  void closeFromAnotherThreadUnblocksAReader() throws Exception {
    CompletableFuture<Throwable> reader = threads.async(() -> {
      try {
        b.read();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    // Closing before the read started is fine too: both paths must end in the same exception.
    b.close();
    assertTrue(reader.get(10, TimeUnit.SECONDS) instanceof ChannelClosedException);
    assertTrue(b.isClosed());
    assertThrows(ChannelClosedException.class, () -> b.write("x"));
  }

  // ------------------------------------------------------------------ fd passing

  @Test
  void passesAPipeWithPassengerNegotiation() throws Exception {
    int[] pipe = TestNatives.pipe();
    try {
      CompletableFuture<Void> sender =
          threads.async(() -> a.sendFd(TestNatives.wrap(pipe[1])));
      FileDescriptor received = b.recvFd();
      sender.get(10, TimeUnit.SECONDS);
      assertTrue(TestNatives.number(received) > 2);
      try (FileOutputStream out = new FileOutputStream(received)) {
        out.write("through the passed fd".getBytes(StandardCharsets.UTF_8));
      }
      byte[] buf = new byte[64];
      long n = TestNatives.LIB.read(pipe[0], buf, buf.length);
      assertEquals("through the passed fd", new String(buf, 0, (int) n, StandardCharsets.UTF_8));
    } finally {
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
  }

  @Test
  void passesAConnectedTcpSocketWithoutNegotiation() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int client = TestNatives.connectTcp(server.getLocalPort());
      try (Socket accepted = server.accept()) {
        a.sendFd(TestNatives.wrap(client), false);
        TestNatives.LIB.close(client); // the receiver has its own copy now
        FileDescriptor received = b.recvFd(false);
        try {
          TestNatives.writeFully(TestNatives.number(received),
              "over TCP".getBytes(StandardCharsets.UTF_8));
        } finally {
          MessageChannel.closeFd(received);
        }
        InputStream in = accepted.getInputStream();
        assertEquals("over TCP", new String(in.readNBytes(8), StandardCharsets.UTF_8));
        assertEquals(-1, in.read(), "the last copy was closed: EOF");
      }
    }
  }

  @Test
  void negotiationOffScriptIsAnError() throws Exception {
    int[] pipe = TestNatives.pipe();
    try {
      b.write("hello");
      FdNegotiationException e = assertThrows(FdNegotiationException.class,
          () -> a.sendFd(TestNatives.wrap(pipe[0])));
      assertTrue(e.getMessage().contains("pass IO") && e.getMessage().contains("hello"),
          e.getMessage());
    } finally {
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
  }

  @Test
  void aMessageCarriesExactlyItsFds() throws Exception {
    int[] p1 = TestNatives.pipe();
    int[] p2 = TestNatives.pipe();
    Map<Integer, String> before = OpenFds.snapshot();
    a.write("plain");
    a.writeWithFds(List.of("conn", "tcp"), TestNatives.wrap(p1[1]), TestNatives.wrap(p2[1]));
    a.write("after");
    assertEquals(List.of("plain"), b.read());
    try (ReceivedMessage m = b.readWithFds()) {
      assertEquals(List.of("conn", "tcp"), m.elements());
      assertEquals("conn", m.name());
      assertEquals(2, m.fds().size());
      TestNatives.writeFully(TestNatives.number(m.fds().get(1)), new byte[] {42});
      byte[] one = new byte[1];
      assertEquals(1, TestNatives.LIB.read(p2[0], one, 1));
      assertEquals(42, one[0]);
    }
    ReceivedMessage after = b.readWithFds();
    assertEquals(List.of("after"), after.elements());
    assertTrue(after.fds().isEmpty());
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "received fds closed with the message");
    for (int fd : new int[] {p1[0], p1[1], p2[0], p2[1]}) {
      TestNatives.LIB.close(fd);
    }
  }

  @Test
  void upTo253FdsRideOnOneMessageAndMoreAreRefusedBeforeSending() {
    int[] pipe = TestNatives.pipe();
    Map<Integer, String> before = OpenFds.snapshot();
    try {
      FileDescriptor[] fds = new FileDescriptor[WireFormat.MAX_FDS_PER_MESSAGE + 1];
      java.util.Arrays.fill(fds, TestNatives.wrap(pipe[0]));
      TooManyFdsException e = assertThrows(TooManyFdsException.class,
          () -> a.writeWithFds(List.of("x"), fds));
      assertEquals("message carries 254 fds (expected: <= 253)", e.getMessage());
      // 253 is the kernel's limit; junixsocket's receive buffer held 60 and leaked them beyond.
      a.writeWithFds(List.of("max"), java.util.Arrays.copyOf(fds, 253));
      a.write("next");
      try (ReceivedMessage m = b.readWithFds()) {
        assertEquals(253, m.fds().size());
        for (FileDescriptor fd : m.fds()) {
          assertTrue(TestNatives.isCloseOnExec(TestNatives.number(fd)));
        }
      }
      OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "253 fds closed with the message");
      assertEquals(List.of("next"), b.read());
    } finally {
      TestNatives.LIB.close(pipe[0]);
      TestNatives.LIB.close(pipe[1]);
    }
  }

  @Test
  void aMessageThatPromisedFdsButCameWithoutIsRefused() {
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(64); // the channel refuses to write it
    MessageEncoder.encodeMessage(List.of(WireFormat.FDS_MARKER, "1", "conn"), frame);
    TestNatives.writeFully(a.fd(), java.util.Arrays.copyOf(frame.array(), frame.position()));
    a.write("next"); // its first byte, 0x00, stands where the fd carrier byte belongs
    MissingFdsException e = assertThrows(MissingFdsException.class, b::readWithFds);
    assertEquals("message 'conn' promised 1 fd(s) but 0 came with it", e.getMessage());
  }

  @Test
  void fdsOnAUnitThatAnnouncedNoneAreClosedAndTheUnitIsRead() {
    int[] pipe = TestNatives.pipe();
    Map<Integer, String> before = OpenFds.snapshot();
    a.sendFd(TestNatives.wrap(pipe[1]), false); // one 0x00 byte carrying an fd...
    a.write(List.of("x"));                          // ...read as the header of a message
    // Plain read(2) would not even see the fd (the kernel drops it): not an error either way.
    assertEquals(List.of(), b.read(), "0x00 0x00: an empty message");
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "the stray fd was closed");
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void aClosedFdIsRefusedBeforeAnythingIsWritten() {
    int[] pipe = TestNatives.pipe();
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> a.writeWithFds(List.of("conn"), TestNatives.wrap(pipe[1])));
    assertEquals("fds[0] : " + pipe[1] + " (expected: an open fd)", e.getMessage());
    a.write("next");
    assertEquals(List.of("next"), b.read(), "no header without its carrier went out");
  }

  @Test
  void readingAnFdMessageAsPlainClosesItsFds() {
    int[] pipe = TestNatives.pipe();
    Map<Integer, String> before = OpenFds.snapshot();
    a.writeWithFds(List.of("conn"), TestNatives.wrap(pipe[1]));
    UnexpectedFdsException e = assertThrows(UnexpectedFdsException.class, b::read);
    assertTrue(e.getMessage().contains("readWithFds"), e.getMessage());
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "fds");
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void unclaimedFdsAreClosedWithTheChannel() throws Exception {
    int[] pipe = TestNatives.pipe();
    Map<Integer, String> before = OpenFds.snapshot();
    a.write("first");
    a.writeWithFds(List.of("conn"), TestNatives.wrap(pipe[1]), TestNatives.wrap(pipe[1]));
    assertEquals(List.of("first"), b.read()); // may pull the next frame's fds into the queue
    int[] channelFds = {a.fd(), b.fd()};
    pair.close();
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "passed fds");
    OpenFds.assertClosed(before, channelFds);
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void tenThousandFdsPassLeavingNothingOpen() throws Exception {
    int[] pipe = TestNatives.pipe();
    FileDescriptor sent = TestNatives.wrap(pipe[1]);
    Map<Integer, String> before = OpenFds.snapshot();
    CompletableFuture<Void> sender = threads.async(() -> {
      for (int i = 0; i < 100; i++) {
        a.sendFd(sent); // negotiated, one at a time
      }
      FileDescriptor[] batch = new FileDescriptor[50];
      java.util.Arrays.fill(batch, sent);
      for (int i = 0; i < 198; i++) {
        a.writeWithFds(List.of("batch", Integer.toString(i)), batch);
      }
    });
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      FileDescriptor fd = b.recvFd();
      numbers.add(TestNatives.number(fd));
      MessageChannel.closeFd(fd);
    }
    int received = 100;
    for (int i = 0; i < 198; i++) {
      try (ReceivedMessage m = b.readWithFds()) {
        assertEquals(List.of("batch", Integer.toString(i)), m.elements());
        received += m.fds().size();
      }
    }
    sender.get(30, TimeUnit.SECONDS);
    assertEquals(10_000, received);
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "no fd left open");
    assertFalse(numbers.isEmpty());
    TestNatives.LIB.close(pipe[0]);
    TestNatives.LIB.close(pipe[1]);
  }

  @Test
  void pairsOpenAndCloseWithoutLeaking() {
    pair.close();
    Map<Integer, String> before = OpenFds.snapshot();
    for (int i = 0; i < 100; i++) {
      try (MessageChannel.Pair p = MessageChannel.pair()) {
        p.first().write("ping");
        assertEquals(List.of("ping"), p.second().read());
      }
    }
    OpenFds.assertNoneOpenedSince(before, LEAK_DEADLINE, "fds");
  }

  @Test
  void writeAllPacksManyMessagesAndStopsAtARefusedOne() throws Exception {
    List<List<String>> batch = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      batch.add(List.of("m", Integer.toString(i), i % 1000 == 0 ? "caf\u00e9" : ""));
    }
    CompletableFuture<Void> writer = threads.async(() -> a.writeAll(batch));
    for (int i = 0; i < 20_000; i++) {
      assertEquals(batch.get(i), b.read());
    }
    writer.get(30, TimeUnit.SECONDS);

    InvalidElementException e = assertThrows(InvalidElementException.class,
        () -> a.writeAll(List.of(List.of("before"), List.of("bad\0"), List.of("after"))));
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    a.write("next");
    assertEquals(List.of("before"), b.read());
    assertEquals(List.of("next"), b.read());
  }
}
