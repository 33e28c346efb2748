package dev.tether.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HttpHelloConnection on a real reactor over real sockets (HttpHelloIT adds curl, python3 and the
 * JDK's HTTP client against the HttpHello process).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpHelloConnectionTest {
  private static final Duration IDLE = Duration.ofMillis(300);
  private static final String GET = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";

  private Reactor reactor;
  private Thread thread;
  private int port;

  /** One parsed response: status, lower-cased header names, body. */
  record Response(int status, Map<String, String> headers, String body) {}

  @BeforeEach
  void start() throws Exception {
    reactor = new Reactor("http-test");
    reactor.setHeartbeatInterval(Duration.ofMillis(50));
    CompletableFuture<Server> started = new CompletableFuture<>();
    thread = new Thread(() -> reactor.run(() -> started.complete(
        reactor.startServer("127.0.0.1", 0, () -> new HttpHelloConnection(IDLE)))),
        "http-test-reactor");
    thread.start();
    port = ((InetSocketAddress) started.get(30, TimeUnit.SECONDS).localAddress()).getPort();
  }

  @AfterEach
  void stop() throws InterruptedException {
    reactor.stop();
    thread.join(10_000);
    assertFalse(thread.isAlive(), "reactor thread still running 10 s after stop()");
  }

  @Test
  void answersPipelinedRequestsInOrderAndClosesAfterConnectionClose() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(ascii(GET + "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"
          + "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + GET));
      InputStream in = s.getInputStream();
      Response first = read(in, false);
      assertEquals(200, first.status());
      assertEquals("text/plain", first.headers().get("content-type"));
      assertEquals("Hello, world!\n", first.body());
      assertFalse(first.headers().containsKey("connection"));
      assertTrue(first.headers().get("date").endsWith(" GMT"), first.headers().toString());
      Response head = read(in, true);
      assertEquals("14", head.headers().get("content-length"));
      Response last = read(in, false);
      assertEquals("close", last.headers().get("connection"));
      assertEquals("Hello, world!\n", last.body());
      assertEquals(-1, in.read(), "the request after Connection: close was answered");
    }
  }

  @Test
  void parsesARequestSentOneByteAtATime() throws IOException {
    try (Socket s = socket()) {
      OutputStream out = s.getOutputStream();
      for (byte b : ascii("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody" + GET)) {
        out.write(b);
        out.flush();
      }
      assertEquals("Hello, world!\n", read(s.getInputStream(), false).body());
      assertEquals("Hello, world!\n", read(s.getInputStream(), false).body());
    }
  }

  @Test
  void keepsHttp10OpenOnlyWhenAsked() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(ascii("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      assertEquals("keep-alive", read(s.getInputStream(), false).headers().get("connection"));
      s.getOutputStream().write(ascii("GET / HTTP/1.0\r\n\r\n"));
      assertEquals("close", read(s.getInputStream(), false).headers().get("connection"));
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void refusesAnOversizedHeadWith431AndCloses() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(ascii("GET / HTTP/1.1\r\nHost: t\r\nX: "
          + "x".repeat(HttpRequestParser.MAX_HEAD_BYTES) + "\r\n\r\n"));
      Response r = read(s.getInputStream(), false);
      assertEquals(431, r.status());
      assertEquals("close", r.headers().get("connection"));
      assertEquals("431 Request Header Fields Too Large: request head exceeds 8192 bytes\n",
          r.body());
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void refusesAMalformedRequestLineWith400AndCloses() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(ascii("GET /a b HTTP/1.1\r\nHost: t\r\n\r\n" + GET));
      Response r = read(s.getInputStream(), false);
      assertEquals(400, r.status());
      assertEquals("400 Bad Request: invalid byte 0x62 in HTTP version (expected: HTTP/1.x)\n",
          r.body());
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void closesAnIdleKeepAliveConnection() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(ascii(GET));
      assertEquals(200, read(s.getInputStream(), false).status());
      // The socket's read timeout is only the test's deadline: the server closes after IDLE.
      assertEquals(-1, s.getInputStream().read());
    }
  }

  @Test
  void leavingWhenIdleAnswersTheRequestUnderWayAndGivesUpWhatFollowsIt() throws Exception {
    CountDownLatch partialRead = new CountDownLatch(1);
    CompletableFuture<String> left = new CompletableFuture<>();
    CompletableFuture<Server> started = new CompletableFuture<>();
    reactor.schedule(() -> started.complete(reactor.startServer("127.0.0.1", 0,
        () -> new HttpHelloConnection(IDLE) {
          @Override
          protected void receiveData(java.nio.ByteBuffer data) {
            super.receiveData(data);
            if (partialRead.getCount() > 0) { // a drain begins in the middle of a request
              partialRead.countDown();
              leaveWhenIdle(rest -> {
                left.complete(StandardCharsets.US_ASCII.decode(rest).toString());
                closeConnection();
              });
            }
          }
        })));
    int leavingPort = ((InetSocketAddress) started.get(30, TimeUnit.SECONDS).localAddress())
        .getPort();
    try (Socket s = new Socket("127.0.0.1", leavingPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(ascii("GET / HTTP/1.1\r\nHo"));
      assertTrue(partialRead.await(10, TimeUnit.SECONDS));
      String pipelined = "GET /next HTTP/1.1\r\nHost: t\r\n\r\n";
      s.getOutputStream().write(ascii("st: t\r\n\r\n" + pipelined));
      Response answered = read(s.getInputStream(), false);
      assertEquals(200, answered.status());
      assertFalse(answered.headers().containsKey("connection"), "kept alive for the next worker");
      assertEquals(pipelined, left.get(10, TimeUnit.SECONDS), "read, not answered: it goes along");
      assertEquals(-1, s.getInputStream().read(), "nothing answered after the leave");
    }
  }

  private Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    return s;
  }

  /** Reads one response: its head, then Content-Length bytes of body unless it answers HEAD. */
  static Response read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    Map<String, String> headers = new HashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).toLowerCase(), l.substring(colon + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.get("content-length"));
    byte[] body = in.readNBytes(length);
    assertEquals(length, body.length, "body cut short");
    return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
        new String(body, StandardCharsets.US_ASCII));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("end of stream in a response head after '" + line + "'");
      }
      line.write(b);
    }
    String s = line.toString(StandardCharsets.US_ASCII);
    assertTrue(s.endsWith("\r"), "line not ended by CRLF: " + s);
    return s.substring(0, s.length() - 1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
