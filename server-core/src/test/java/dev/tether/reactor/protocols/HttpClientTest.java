package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HttpClient against real servers in their own processes: python3's http.server as HTTP/1.0
 * ({@code python3 -m http.server}, closing after each response) and as HTTP/1.1 with keep-alive
 * and chunked answers (http_server.py). HttpHello is tested in the examples module.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpClientTest {
  @TempDir
  Path dir;
  private ReactorRunner runner;
  private byte[] big;

  @BeforeEach
  void setUp() throws Exception {
    runner = new ReactorRunner();
    big = new byte[3 * 1024 * 1024 + 17];
    new Random(13).nextBytes(big);
    Files.write(dir.resolve("big.bin"), big);
  }

  @AfterEach
  void tearDown() {
    runner.close();
  }

  private <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private HttpResponse get(HttpClient client, URI uri) throws Exception {
    return await(runner.call(() -> client.get(uri).toCompletableFuture()));
  }

  @Test
  void fetchesAFileOfSeveralMegabytesFromPythonsHttpServer() throws Exception {
    int port = freePort();
    Process server = new ProcessBuilder("python3", "-m", "http.server", "--bind", "127.0.0.1",
        String.valueOf(port), "--directory", dir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + port + "/big.bin");
      ReactorRunner.waitFor("python3 -m http.server listening", () -> {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          return true;
        } catch (java.io.IOException e) {
          return false;
        }
      });
      HttpClient client = runner.call(() -> new HttpClient(runner.reactor));
      for (int round = 0; round < 2; round++) { // HTTP/1.0: the second needs a new connection
        HttpResponse response = get(client, uri);
        assertEquals(200, response.status());
        assertEquals("HTTP/1.0", response.version());
        assertArrayEquals(big, response.body());
      }
      HttpResponse missing = get(client, URI.create("http://127.0.0.1:" + port + "/nothing"));
      assertEquals(404, missing.status());
      HttpResponse once = await(runner.call(() -> HttpClient.get(runner.reactor, uri)
          .toCompletableFuture()));
      assertArrayEquals(big, once.body());
      runner.run(() -> client.setMaxBodyBytes(1_000_000));
      HttpResponseException tooBig = assertThrows(HttpResponseException.class,
          () -> get(client, uri));
      assertEquals("Content-Length " + big.length + " exceeds the body limit of 1000000 bytes",
          tooBig.getMessage());
      ReactorRunner.waitFor("connections closed", () -> runner.call(client::connectionCount) == 0);
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void keepsTheConnectionAliveAndReadsChunkedResponses() throws Exception {
    Files.writeString(dir.resolve("small.txt"), "small\n");
    try (PeerProcess server = PeerProcess.python("http_server.py", dir.toString())) {
      String base = "http://127.0.0.1:" + server.port;
      HttpClient client = runner.call(() -> new HttpClient(runner.reactor));
      HttpResponse first = get(client, URI.create(base + "/chunked?n=40"));
      assertEquals(200, first.status());
      assertEquals("chunked", first.header("transfer-encoding"));
      assertEquals("40", first.header("X-Checksum"));
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        expected.append(("chunk " + i + ";").repeat(i + 1));
      }
      assertEquals(expected.toString(), first.bodyText());
      HttpResponse second = get(client, URI.create(base + "/small.txt"));
      HttpResponse third = get(client, URI.create(base + "/big.bin"));
      assertEquals("small\n", second.bodyText());
      assertArrayEquals(big, third.body());
      assertEquals(first.header("X-Client-Port"), second.header("X-Client-Port"));
      assertEquals(first.header("X-Client-Port"), third.header("X-Client-Port"));
      assertEquals(1, (int) runner.call(client::connectionCount));

      // Requests made together wait for the one connection and are answered in order.
      CompletableFuture<HttpResponse>[] all = runner.call(() -> {
        @SuppressWarnings("unchecked")
        CompletableFuture<HttpResponse>[] futures = new CompletableFuture[5];
        for (int i = 0; i < futures.length; i++) {
          futures[i] = client.get(URI.create(base + "/chunked?n=" + (i + 1)))
              .toCompletableFuture();
        }
        return futures;
      });
      for (int i = 0; i < all.length; i++) {
        HttpResponse r = await(all[i]);
        assertEquals(String.valueOf(i + 1), r.header("X-Checksum"));
        assertEquals(first.header("X-Client-Port"), r.header("X-Client-Port"));
      }

      HttpResponse closing = await(runner.call(() -> client.request("GET",
          URI.create(base + "/small.txt"), Map.of("Connection", "close"), null)
          .toCompletableFuture()));
      assertEquals("small\n", closing.bodyText());
      ReactorRunner.waitFor("connection closed after Connection: close",
          () -> runner.call(client::connectionCount) == 0);
      HttpResponse after = get(client, URI.create(base + "/small.txt"));
      assertNotEquals(first.header("X-Client-Port"), after.header("X-Client-Port"));

      runner.run(() -> client.setIdleTimeout(Duration.ofMillis(100)));
      get(client, URI.create(base + "/small.txt"));
      ReactorRunner.waitFor("idle connection closed",
          () -> runner.call(client::connectionCount) == 0);
    }
  }

  /**
   * Answers the first request of each connection (a body framed by the close when asked for
   * {@code /eof}), and closes without answering at the second: a kept connection the server
   * dropped just as the client reused it.
   */
  static final class OneRequestServer extends Connection {
    private int requests;

    @Override
    protected void receiveData(ByteBuffer data) {
      String text = java.nio.charset.StandardCharsets.US_ASCII.decode(data).toString();
      if (!text.endsWith("\r\n\r\n")) {
        closeConnection("a request per read expected: " + text);
      } else if (++requests > 1) {
        closeConnection();
      } else if (text.startsWith("GET /eof ")) {
        sendData("HTTP/1.1 200 OK\r\n\r\nuntil the end".getBytes());
        closeConnectionAfterWriting();
      } else {
        sendData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes());
      }
    }
  }

  @Test
  void aKeptConnectionClosedByTheServerIsRetriedOnceForGetAndBodiesMayEndWithTheClose()
      throws Exception {
    Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0,
        OneRequestServer::new));
    String base = "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    HttpClient client = runner.call(() -> new HttpClient(runner.reactor));
    assertEquals("ok", get(client, URI.create(base + "/")).bodyText());
    assertEquals("ok", get(client, URI.create(base + "/")).bodyText()); // retried
    assertThrows(dev.tether.reactor.ConnectionClosedException.class, () -> await(runner.call(
        () -> client.request("POST", URI.create(base + "/"), Map.of(), new byte[0])
            .toCompletableFuture())));
    assertEquals("until the end", get(client, URI.create(base + "/eof")).bodyText());
  }

  @Test
  void aServerThatDoesNotAnswerTimesOutAndItsConnectionCloses() throws Exception {
    Server silent = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0,
        () -> new Connection() {}));
    int port = ((InetSocketAddress) silent.localAddress()).getPort();
    HttpClient client = runner.call(() -> {
      HttpClient c = new HttpClient(runner.reactor);
      c.setTimeout(Duration.ofMillis(200));
      return c;
    });
    TimeoutException e = assertThrows(TimeoutException.class,
        () -> get(client, URI.create("http://127.0.0.1:" + port + "/")));
    assertEquals("HTTP GET got no complete response in 200 ms", e.getMessage());
    ReactorRunner.waitFor("connection closed", () -> runner.call(client::connectionCount) == 0);
  }

  @Test
  void aRefusedConnectFailsTheRequestAndBadArgumentsAreNamed() throws Exception {
    int port = freePort();
    HttpClient client = runner.call(() -> new HttpClient(runner.reactor));
    Exception refused = assertThrows(Exception.class,
        () -> get(client, URI.create("http://127.0.0.1:" + port + "/")));
    assertTrue(String.valueOf(refused.getMessage()).contains("connect"), refused.toString());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> runner.call(() -> client.get(URI.create("https://example.org/"))));
    assertEquals("uri : https://example.org/ (expected: an absolute http URI with a host)",
        bad.getMessage());
    assertThrows(ReactorException.class, () -> client.get(URI.create("http://127.0.0.1/")));
    assertInstanceOf(IllegalArgumentException.class, assertThrows(Exception.class,
        () -> runner.call(() -> client.request("GET", URI.create("http://127.0.0.1/"),
            Map.of("X", "a\r\nInjected: 1"), null))));
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
