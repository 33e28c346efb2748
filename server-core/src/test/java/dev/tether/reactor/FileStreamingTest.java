package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sendFileData and streamFileData over real TCP sockets, read by the JDK's SocketChannel. The
 * "transformed" cases force {@code Endpoint.transformsOutput()} through its test hook: there is
 * no TLS yet to make it true, and they test the chunked fallback TLS will take.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileStreamingTest {
  private static final long LOW = 32 * 1024;
  private static final long HIGH = 128 * 1024;
  private static final byte[] HEAD = "HEAD\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAIL = "TAIL\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  /** The server side: does nothing on its own; the test drives it on the reactor thread. */
  static final class Sender extends Connection {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile Throwable reason;

    @Override
    protected void drained() {
      events.add("drained");
    }

    @Override
    protected void unbind() {
      reason = closeReason();
      events.add("unbind");
    }
  }

  /** A reactor with small watermarks, one accepted connection, and the client's socket. */
  final class Pair implements AutoCloseable {
    final ReactorRunner runner;
    final Sender sender;
    final SocketChannel client;
    final AtomicLong peakDirectMemory = new AtomicLong();

    Pair() throws Exception {
      Reactor r = new Reactor("test");
      r.setDefaultWatermarks(LOW, HIGH);
      runner = new ReactorRunner(r);
      CompletableFuture<Sender> accepted = new CompletableFuture<>();
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, () -> {
        Sender s = new Sender();
        accepted.complete(s);
        return s;
      }));
      client = SocketChannel.open();
      client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      client.connect(server.localAddress());
      sender = accepted.get(10, TimeUnit.SECONDS);
    }

    /** Reads to the end of stream; if slow, pausing 1 ms after each 64 KiB. */
    byte[] digestToEnd(boolean slow, long[] count) throws Exception {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      ByteBuffer in = ByteBuffer.allocate(8 * 1024);
      long total = 0;
      long sincePause = 0;
      for (int n = client.read(in); n >= 0; n = client.read(in)) {
        digest.update(in.array(), 0, n);
        in.clear();
        total += n;
        sincePause += n;
        if (slow && sincePause >= 64 * 1024) {
          sincePause = 0;
          Thread.sleep(1); // the reader's pace, not synchronisation
          peakDirectMemory.accumulateAndGet(directMemory(), Math::max);
        }
      }
      count[0] = total;
      return digest.digest();
    }

    @Override
    public void close() throws IOException {
      client.close();
      runner.close();
    }
  }

  private Path randomFile(String name, long size) throws IOException {
    Path file = dir.resolve(name);
    Random random = new Random(size);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
    return file;
  }

  private static byte[] expectedDigest(byte[] before, Path file, long offset, long length,
      byte[] after) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    digest.update(before);
    byte[] content = Files.readAllBytes(file);
    digest.update(content, (int) offset, (int) length);
    digest.update(after);
    return digest.digest();
  }

  private static long fdsOn(Path file) {
    String target = file.toString();
    return OpenFds.snapshot().values().stream().filter(target::equals).count();
  }

  private static long directMemory() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow().getMemoryUsed();
  }

  @Test
  void sendFileDataSendsAFileOfExactlyTheLimitWholeInOrder() throws Exception {
    Path file = randomFile("one-mib", Connection.SEND_FILE_DATA_LIMIT);
    try (Pair p = new Pair()) {
      p.runner.run(() -> {
        p.sender.sendData(HEAD);
        p.sender.sendFileData(file);
        p.sender.sendData(TAIL);
        p.sender.closeConnectionAfterWriting();
      });
      long[] count = new long[1];
      byte[] got = p.digestToEnd(false, count);
      assertEquals(HEAD.length + Connection.SEND_FILE_DATA_LIMIT + TAIL.length, count[0]);
      assertArrayEquals(expectedDigest(HEAD, file, 0, Connection.SEND_FILE_DATA_LIMIT, TAIL),
          got);
      assertEquals(0, fdsOn(file));
    }
  }

  @Test
  void sendFileDataAboveTheLimitFailsNamingBothSizesAndSendsNothing() throws Exception {
    Path file = randomFile("big", Connection.SEND_FILE_DATA_LIMIT + 1);
    try (Pair p = new Pair()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> p.runner.call(() -> p.sender.sendFileData(file)));
      assertEquals("file " + file + " : 1048577 bytes (expected: <= 1048576 bytes; use"
          + " streamFileData for larger files)", e.getMessage());
      NativeCallException missing = assertThrows(NativeCallException.class,
          () -> p.runner.call(() -> p.sender.sendFileData(dir.resolve("missing"))));
      assertEquals(Linux.ENOENT, missing.errno());
      assertTrue(missing.getMessage().startsWith("open(" + dir.resolve("missing") + ")"),
          missing.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> p.runner.call(() -> p.sender.sendFileData(dir)), "a directory");
      assertTrue(p.runner.call(p.sender::isOpen));
      assertEquals(0L, p.runner.call(p.sender::outboundBytes));
      assertEquals(0, fdsOn(file));
    }
  }

  /**
   * 20 MB to a reader slower than the loop: the bytes arrive whole and in order between the data
   * sent before and after, and the file is never in memory: sendfile copies none of it, the
   * fallback holds at most the low watermark plus one chunk in its queue (both measured as the
   * direct memory the queue's chunks take).
   */
  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void twentyMegabytesReachASlowReaderInOrderWithBoundedMemory(boolean transformed)
      throws Exception {
    long size = 20L << 20;
    Path file = randomFile("twenty", size);
    // First: reading the file whole makes the JDK cache a direct buffer of its size.
    byte[] expected = expectedDigest(HEAD, file, 0, size, TAIL);
    try (Pair p = new Pair()) {
      long directBefore = directMemory();
      AtomicReference<String> completedOn = new AtomicReference<>();
      List<String> order = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = p.runner.call(() -> {
        transformOutput(p.sender, transformed);
        p.sender.sendData(HEAD);
        CompletableFuture<Void> f = p.sender.streamFileData(file);
        f.whenComplete((v, t) -> {
          completedOn.set(Thread.currentThread().getName());
          order.add("future");
        });
        assertFalse(p.sender.isWritable(), "20 MB count toward the watermarks");
        p.sender.sendData(TAIL);
        p.sender.write(() -> order.add("written"));
        p.sender.closeConnectionAfterWriting();
        return f;
      });
      assertEquals(1, fdsOn(file), "the queue holds the file open");
      long[] count = new long[1];
      byte[] got = p.digestToEnd(true, count);
      assertEquals(HEAD.length + size + TAIL.length, count[0]);
      assertArrayEquals(expected, got);
      done.get(10, TimeUnit.SECONDS);
      assertEquals("test-reactor", completedOn.get());
      assertEquals(List.of("future", "written"), order);
      ReactorRunner.waitFor("unbind", () -> p.sender.events.contains("unbind"));
      assertEquals(null, p.sender.reason);
      assertEquals(0, fdsOn(file));
      // The queue's chunks are direct memory: a queue that took the file in would show here.
      long growth = p.peakDirectMemory.get() - directBefore;
      assertTrue(growth < HIGH + (1 << 20), "direct memory grew by " + growth);
    }
  }

  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void aPeerThatClosesMidStreamFailsTheFutureAndTheFileIsClosed(boolean transformed)
      throws Exception {
    Path file = randomFile("twenty", 20L << 20);
    try (Pair p = new Pair()) {
      CompletableFuture<Void> done = p.runner.call(() -> {
        transformOutput(p.sender, transformed);
        return p.sender.streamFileData(file);
      });
      ByteBuffer some = ByteBuffer.allocate(64 * 1024);
      while (some.hasRemaining()) {
        assertTrue(p.client.read(some) > 0);
      }
      p.client.setOption(StandardSocketOptions.SO_LINGER, 0); // a reset: the next write fails
      p.client.close();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> done.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IOException.class, e.getCause());
      assertTrue(e.getCause().getMessage().startsWith("connection closed before the 20971520"
          + " bytes of " + file + " were written"), e.getCause().getMessage());
      ReactorRunner.waitFor("unbind", () -> p.sender.events.contains("unbind"));
      assertInstanceOf(NativeCallException.class, p.sender.reason);
      assertEquals(p.sender.reason, e.getCause().getCause());
      assertEquals(0, fdsOn(file));
    }
  }

  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void closingMidStreamClosesTheFile(boolean transformed) throws Exception {
    Path file = randomFile("twenty", 20L << 20);
    try (Pair p = new Pair()) {
      CompletableFuture<Void> done = p.runner.call(() -> {
        transformOutput(p.sender, transformed);
        return p.sender.streamFileData(file);
      });
      assertEquals(1, fdsOn(file));
      p.runner.run(p.sender::closeConnection);
      assertTrue(done.isCompletedExceptionally());
      assertEquals(0, fdsOn(file));
      // On a closed connection the file is opened and closed at once, the future failed.
      CompletableFuture<Void> late = p.runner.call(() -> p.sender.streamFileData(file));
      assertTrue(late.isCompletedExceptionally());
      assertEquals(0, fdsOn(file));
    }
  }

  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void aSpanOfTheFileIsSentExactly(boolean transformed) throws Exception {
    Path file = randomFile("span", 100_000);
    try (Pair p = new Pair()) {
      CompletableFuture<Void> done = p.runner.call(() -> {
        transformOutput(p.sender, transformed);
        p.sender.sendData(HEAD);
        CompletableFuture<Void> f = p.sender.streamFileData(file, 1000, 50_000);
        p.sender.streamFileData(file, 100_000, 0); // empty at the very end: fine
        p.sender.sendData(TAIL);
        p.sender.closeConnectionAfterWriting();
        return f;
      });
      long[] count = new long[1];
      byte[] got = p.digestToEnd(false, count);
      assertEquals(HEAD.length + 50_000 + TAIL.length, count[0]);
      assertArrayEquals(expectedDigest(HEAD, file, 1000, 50_000, TAIL), got);
      done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badSpansAndMissingFilesFailAtOnceNamingThem() throws Exception {
    Path file = randomFile("span", 1000);
    try (Pair p = new Pair()) {
      IllegalArgumentException past = assertThrows(IllegalArgumentException.class,
          () -> p.runner.call(() -> p.sender.streamFileData(file, 900, 101)));
      assertEquals("offset : 900, length : 101 (expected: a span inside " + file
          + ", whose size is 1000)", past.getMessage());
      assertEquals("offset : -1 (expected: >= 0)", assertThrows(IllegalArgumentException.class,
          () -> p.runner.call(() -> p.sender.streamFileData(file, -1, 1))).getMessage());
      assertEquals("path : " + dir + " (expected: a regular file)",
          assertThrows(IllegalArgumentException.class,
              () -> p.runner.call(() -> p.sender.streamFileData(dir))).getMessage());
      NativeCallException missing = assertThrows(NativeCallException.class,
          () -> p.runner.call(() -> p.sender.streamFileData(dir.resolve("missing"))));
      assertEquals("open(" + dir.resolve("missing") + ") failed with error(2): No such file or"
          + " directory", missing.getMessage());
      assertTrue(p.runner.call(p.sender::isOpen));
      assertEquals(0L, p.runner.call(p.sender::outboundBytes));
      assertEquals(0, fdsOn(file));
    }
  }

  /** A file that shrinks below the span while queued closes the connection, saying so. */
  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void aFileTruncatedWhileStreamedClosesTheConnectionNamingIt(boolean transformed)
      throws Exception {
    Path file = randomFile("shrinking", 20L << 20);
    try (Pair p = new Pair()) {
      CompletableFuture<Void> done = p.runner.call(() -> {
        transformOutput(p.sender, transformed);
        return p.sender.streamFileData(file);
      });
      try (FileChannel shrink = FileChannel.open(file, StandardOpenOption.WRITE)) {
        shrink.truncate(1 << 20); // the client has not read yet: most of the span is unsent
      }
      long[] count = new long[1];
      p.digestToEnd(false, count);
      assertTrue(count[0] < 20L << 20, "got " + count[0]);
      ReactorRunner.waitFor("unbind", () -> p.sender.events.contains("unbind"));
      assertInstanceOf(IOException.class, p.sender.reason);
      assertTrue(p.sender.reason.getMessage().startsWith("file " + file + " ended "),
          p.sender.reason.getMessage());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> done.get(10, TimeUnit.SECONDS));
      assertEquals(p.sender.reason, e.getCause().getCause());
      assertEquals(0, fdsOn(file));
    }
  }

  /** Queued while the connect is in progress, the file goes once it completes, in order. */
  @ParameterizedTest(name = "transformed output: {0}")
  @ValueSource(booleans = {false, true})
  void aFileStreamedWhileConnectingGoesOnceConnected(boolean transformed) throws Exception {
    Path file = randomFile("early", 3_000_000);
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Sender sender = new Sender();
      CompletableFuture<Void> done = runner.call(() -> {
        runner.reactor.connect("127.0.0.1", listener.getLocalPort(), sender);
        transformOutput(sender, transformed);
        sender.sendData(HEAD);
        CompletableFuture<Void> f = sender.streamFileData(file);
        sender.sendData(TAIL);
        sender.closeConnectionAfterWriting();
        return f;
      });
      try (Socket peer = listener.accept()) {
        byte[] got = peer.getInputStream().readAllBytes();
        assertArrayEquals(expectedDigest(HEAD, file, 0, 3_000_000, TAIL),
            MessageDigest.getInstance("SHA-256").digest(got));
      }
      done.get(10, TimeUnit.SECONDS);
      assertEquals(0, fdsOn(file));
    }
  }

  /** sendfile(2) writes to any fd since Linux 2.6.33: a connection on a pipe streams too. */
  @Test
  void aConnectionOnAPipeStreamsWithSendfile() throws Exception {
    Path file = randomFile("pipe", 300_000);
    int[] pipe = Io.pipe(true);
    try (ReactorRunner runner = new ReactorRunner()) {
      Sender sender = new Sender();
      CompletableFuture<Void> done = runner.call(() -> {
        runner.reactor.attach(pipe[1], sender); // owns the write end from here
        CompletableFuture<Void> f = sender.streamFileData(file);
        sender.closeConnectionAfterWriting();
        return f;
      });
      byte[] got = new byte[400_000];
      int total = 0;
      byte[] buffer = new byte[64 * 1024];
      for (int n = Io.read(pipe[0], buffer); n > 0; n = Io.read(pipe[0], buffer)) {
        System.arraycopy(buffer, 0, got, total, n);
        total += n;
      }
      done.get(10, TimeUnit.SECONDS);
      assertArrayEquals(Files.readAllBytes(file), Arrays.copyOf(got, total));
      ReactorRunner.waitFor("unbind", () -> sender.events.contains("unbind"));
      assertEquals(null, sender.reason);
    } finally {
      Io.close(pipe[0]);
    }
  }

  /**
   * Makes {@code sender}'s output transformed, as TLS does, with a writer that passes bytes on
   * unchanged: files then go through the chunked fallback instead of sendfile(2).
   */
  private static void transformOutput(Connection sender, boolean transformed) {
    if (transformed) {
      sender.setWriter((data, socket) -> socket.write(data));
    }
  }
}
