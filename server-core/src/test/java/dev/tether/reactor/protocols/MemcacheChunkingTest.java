package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.reactor.ReactorRunner;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memcache's reply reader fed one byte per write (TCP_NODELAY, a flush each) by a scripted server
 * thread, so replies arrive cut at arbitrary points, one byte at a time when the loop is quick.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcacheChunkingTest {
  private static final String REPLIES = "STORED\r\n"
      + "VALUE a 0 4\r\n\r\n\r\n\r\nVALUE b 0 3 77\r\nxyz\r\nEND\r\n"
      + "END\r\n"
      + "NOT_FOUND\r\n"
      + "SERVER_ERROR out of memory\r\n";
  private static final String REQUESTS = "set a 0 0 4\r\n\r\n\r\n\r\n"
      + "get a b\r\nget c\r\ndelete c\r\ndelete d\r\n";

  @Test
  void repliesCutAnywhereAreMatchedInOrder() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (Socket peer = listener.accept()) {
          peer.setTcpNoDelay(true);
          InputStream in = peer.getInputStream();
          byte[] request = in.readNBytes(REQUESTS.length());
          assertEquals(REQUESTS, new String(request, StandardCharsets.US_ASCII));
          OutputStream out = peer.getOutputStream();
          for (byte b : REPLIES.getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
          }
          in.read(); // until the client closes
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Memcache cache = runner.call(() -> Memcache.connect(runner.reactor, "127.0.0.1",
          listener.getLocalPort()));
      List<CompletableFuture<?>> results = runner.call(() -> List.of(
          cache.set("a", "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0).toCompletableFuture(),
          cache.get("a", "b").toCompletableFuture(),
          cache.get("c").toCompletableFuture(),
          cache.delete("c").toCompletableFuture(),
          cache.delete("d").toCompletableFuture()));
      assertEquals(Boolean.TRUE, results.get(0).get(10, TimeUnit.SECONDS));
      @SuppressWarnings("unchecked")
      Map<String, byte[]> values = (Map<String, byte[]>) results.get(1).get(10, TimeUnit.SECONDS);
      assertArrayEquals("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), values.get("a"));
      assertArrayEquals("xyz".getBytes(StandardCharsets.US_ASCII), values.get("b"));
      assertNull(results.get(2).get(10, TimeUnit.SECONDS));
      assertEquals(Boolean.FALSE, results.get(3).get(10, TimeUnit.SECONDS));
      ExecutionException error = assertThrows(ExecutionException.class,
          () -> results.get(4).get(10, TimeUnit.SECONDS));
      assertEquals("memcached answered \"SERVER_ERROR out of memory\"",
          error.getCause().getMessage());
      runner.run(cache::closeConnection);
      served.get(10, TimeUnit.SECONDS);
    }
  }
}
