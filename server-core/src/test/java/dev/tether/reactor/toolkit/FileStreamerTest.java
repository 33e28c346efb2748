package dev.tether.reactor.toolkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.Server;
import dev.tether.unix.NativeCallException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** FileStreamer over real TCP connections, read by the JDK's SocketChannel. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileStreamerTest {
  @TempDir
  Path dir;

  /** A reactor with small watermarks, one accepted connection and the client's socket. */
  static final class Pair implements AutoCloseable {
    final ReactorRunner runner;
    final Connection server;
    final SocketChannel client;

    Pair() throws Exception {
      Reactor r = new Reactor("test");
      r.setDefaultWatermarks(32 * 1024, 128 * 1024);
      runner = new ReactorRunner(r);
      CompletableFuture<Connection> accepted = new CompletableFuture<>();
      Server listening = runner.call(() -> r.startServer("127.0.0.1", 0, () -> {
        Connection c = new Connection() { };
        accepted.complete(c);
        return c;
      }));
      client = SocketChannel.open();
      client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      client.connect(listening.localAddress());
      server = accepted.get(10, TimeUnit.SECONDS);
    }

    byte[] readToEnd() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(64 * 1024);
      for (int n = client.read(in); n >= 0; n = client.read(in)) {
        all.write(in.array(), 0, n);
        in.clear();
      }
      return all.toByteArray();
    }

    @Override
    public void close() throws IOException {
      client.close();
      runner.close();
    }
  }

  private Path randomFile(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void succeedsOnlyOnceTheWholeFileIsWrittenThenTheBytesMatch() throws Exception {
    Path file = randomFile("big", 32 * 1024 * 1024);
    try (Pair pair = new Pair()) {
      AtomicReference<String> done = new AtomicReference<>();
      FileStreamer streamer = pair.runner.call(() -> {
        FileStreamer s = new FileStreamer(pair.server, file);
        s.callback(v -> {
          done.set("done" + (pair.runner.reactor.inReactorThread() ? "" : "!thread")
              + " " + pair.server.outboundBytes());
          pair.server.closeConnectionAfterWriting();
        });
        return s;
      });
      assertEquals(32 * 1024 * 1024, streamer.size());
      // The client has read nothing, and 32 MiB do not fit in the socket buffers: still going.
      assertFalse(pair.runner.call(streamer::isDone));
      assertTrue(pair.runner.call(pair.server::outboundBytes) > 0);
      byte[] got = pair.readToEnd();
      assertEquals(32 * 1024 * 1024, got.length);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      assertArrayEquals(sha.digest(Files.readAllBytes(file)), sha.digest(got));
      assertEquals("done 0", done.get());
    }
  }

  @Test
  void httpChunksFrameTheFileAsOneChunkAndTheLastChunk() throws Exception {
    Path file = Files.writeString(dir.resolve("small"), "hello, chunked world");
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    try (Pair pair = new Pair()) {
      pair.runner.run(() -> {
        pair.server.sendData("HEAD|".getBytes(StandardCharsets.US_ASCII));
        new FileStreamer(pair.server, file, true).callback(v -> {
          FileStreamer none = new FileStreamer(pair.server, empty, true);
          assertTrue(none.isSucceeded());
          pair.server.sendData("|TAIL".getBytes(StandardCharsets.US_ASCII));
          pair.server.closeConnectionAfterWriting();
        });
      });
      assertEquals("HEAD|14\r\nhello, chunked world\r\n0\r\n\r\n0\r\n\r\n|TAIL",
          new String(pair.readToEnd(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void failsWithAnIoExceptionWhenThePeerGoesAwayFirst() throws Exception {
    Path file = randomFile("big", 16 * 1024 * 1024);
    try (Pair pair = new Pair()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      pair.runner.run(() -> new FileStreamer(pair.server, file).errback(failure::set));
      pair.client.setOption(StandardSocketOptions.SO_LINGER, 0);
      pair.client.close(); // RST: the rest of the file cannot be sent
      ReactorRunner.waitFor("the streamer failed", () -> failure.get() != null);
      assertInstanceOf(IOException.class, failure.get());
    }
  }

  @Test
  void aMissingFileOrAWrongThreadThrowsAndSendsNothing() throws Exception {
    try (Pair pair = new Pair()) {
      NativeCallException e = assertThrows(NativeCallException.class, () -> pair.runner.call(
          () -> new FileStreamer(pair.server, dir.resolve("missing"))));
      assertTrue(e.getMessage().contains("missing"), e.getMessage());
      IllegalArgumentException notFile = assertThrows(IllegalArgumentException.class,
          () -> pair.runner.call(() -> new FileStreamer(pair.server, dir)));
      assertEquals("path : " + dir + " (expected: a regular file)", notFile.getMessage());
      Path file = Files.writeString(dir.resolve("f"), "x");
      assertThrows(ReactorException.class, () -> new FileStreamer(pair.server, file));
      assertEquals(0L, (long) pair.runner.call(pair.server::outboundBytes));
    }
  }
}
