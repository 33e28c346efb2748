package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.lines.LineEcho;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The LineEcho process (maximum line length 64) under real clients: python3's socket module
 * sending a byte at a time, and JDK sockets pipelining many lines; a line over the limit gets
 * {@code ERR line too long} and the end of the connection; then SIGTERM. One process serves every
 * test; the last test stops it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LineEchoIT {
  private static ExampleProcess server;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    server = ExampleProcess.start(LineEcho.class, "0", "64");
    String line = server.stdout().awaitLine(
        l -> l.startsWith("line echo listening on 127.0.0.1:"), Workers.JVM_START);
    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
  }

  @AfterAll
  static void killServer() throws InterruptedException {
    server.close();
  }

  @Test
  void pythonSendingOneByteAtATimeGetsEachLineAndThenTheError() throws Exception {
    String script = String.join("\n",
        "import socket, sys",
        "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)",
        "s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)",
        "lines = ['hello', 'crlf\\r', '', 'f\\u00fcnf \\u20ac', 'x' * 64]",
        "data = ''.join(l + '\\n' for l in lines).encode('utf-8')",
        "for i in range(len(data)):",
        "    s.sendall(data[i:i + 1])",
        "expected = ''.join(l.rstrip('\\r') + '\\n' for l in lines).encode('utf-8')",
        "got = b''",
        "while len(got) < len(expected):",
        "    chunk = s.recv(65536)",
        "    assert chunk, got",
        "    got += chunk",
        "assert got == expected, (got, expected)",
        "s.sendall(b'y' * 65 + b'\\nnever echoed\\n')",
        "rest = b''",
        "while True:",
        "    chunk = s.recv(65536)",
        "    if not chunk:",
        "        break",
        "    rest += chunk",
        "assert rest == b'ERR line too long\\n', rest",
        "print('ok')");
    assertEquals("ok\n", PeerPrograms.run("python3", "-c", script, String.valueOf(port)));
  }

  @Test
  void jdkClientsPipeliningThousandsOfLinesGetThemAllInOrder() throws Exception {
    CompletableFuture<Void> other = new CompletableFuture<>();
    Thread b = new Thread(() -> {
      try {
        pipeline("b");
        other.complete(null);
      } catch (Throwable t) {
        other.completeExceptionally(t);
      }
    }, "client b");
    b.start();
    pipeline("a");
    other.get();
  }

  /** Its own thread, not the common pool: a 2-core machine's pool has one thread. */
  private static Thread writer(Socket client, byte[] bytes, CompletableFuture<Void> done) {
    Thread t = new Thread(() -> {
      try {
        client.getOutputStream().write(bytes);
        done.complete(null);
      } catch (java.io.IOException e) {
        done.completeExceptionally(e);
      }
    }, "writer");
    t.start();
    return t;
  }

  private static void pipeline(String tag) {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < 5000; i++) {
        all.append(tag).append(' ').append(i).append(i % 2 == 0 ? "\r\n" : "\n");
      }
      byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
      CompletableFuture<Void> written = new CompletableFuture<>();
      writer(client, bytes, written);
      BufferedReader in = new BufferedReader(
          new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      for (int i = 0; i < 5000; i++) {
        assertEquals(tag + " " + i, in.readLine());
      }
      written.get();
    } catch (Exception e) {
      throw new AssertionError(tag, e);
    }
  }

  @Test
  void aLongLineWithoutAnyNewlineIsRefusedBeforeItEnds() throws Exception {
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write("fine\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1000]); // no newline: the server must not wait for one
      byte[] reply = client.getInputStream().readAllBytes(); // up to the server's close
      assertArrayEquals("fine\nERR line too long\n".getBytes(StandardCharsets.US_ASCII), reply,
          new String(reply, StandardCharsets.US_ASCII));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // after every test that needs the server
  void exitsOnSigterm() throws Exception {
    server.assertStopsCleanlyOnSigterm();
  }

  @Test
  void badArgumentsExitWithUsage() throws Exception {
    try (ExampleProcess p = ExampleProcess.start(LineEcho.class, "0", "0")) {
      assertEquals(2, p.awaitExit(Duration.ofSeconds(60)), p.output());
      String out = p.output();
      assertTrue(out.contains("usage: LineEcho PORT")
          && out.contains("maxLineLength : 0 (expected: > 0)"), out);
    }
  }
}
