package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection extras: reconnect, the per-connection connect timeout, idleTime, close with a
 * reason, toString, the proxy with a length, pushBackRead, the writer override, and hang-up
 * versus error.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionExtrasTest {
  /** Starts a server whose connections come from {@code factory} and are queued for the test. */
  private static <C extends Connection> Server serve(ReactorRunner runner, Supplier<C> factory,
      BlockingQueue<C> accepted) {
    return runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
      C c = factory.get();
      accepted.add(c);
      return c;
    }));
  }

  private static <T> T take(BlockingQueue<T> queue) throws InterruptedException {
    T t = queue.poll(10, TimeUnit.SECONDS);
    if (t == null) {
      throw new AssertionError("timed out waiting for a connection");
    }
    return t;
  }

  private static String ascii(ByteBuffer data) {
    return StandardCharsets.US_ASCII.decode(data).toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String readExactly(Socket s, int n) throws IOException {
    byte[] bytes = new byte[n];
    s.setSoTimeout(10_000);
    new DataInputStream(s.getInputStream()).readFully(bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** Collects its input as text and notes callbacks in order. */
  static class Recorder extends Echo {
    final StringBuffer text = new StringBuffer();

    @Override
    protected void receiveData(ByteBuffer data) {
      String s = ascii(data);
      text.append(s);
      events.add("receive " + s);
    }
  }

  @Test
  void reconnectReusesTheObjectForANewConnectWithoutPostInit() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      int port = server.getLocalPort();
      AtomicInteger unbinds = new AtomicInteger();
      Echo client = new Echo() {
        @Override
        protected void unbind() {
          super.unbind();
          if (unbinds.incrementAndGet() == 1) {
            assertFalse(isOpen());
            reconnect("127.0.0.1", port);
          }
        }
      };
      runner.call(() -> runner.reactor.connect("127.0.0.1", port, client));
      try (Socket first = server.accept()) {
        ReactorRunner.waitFor("first connect", () -> client.events.contains("completed"));
        IllegalStateException open = assertThrows(IllegalStateException.class,
            () -> runner.run(() -> client.reconnect("127.0.0.1", port)));
        assertTrue(open.getMessage().contains("expected: a closed connection"), open.getMessage());
      } // the server side closes: unbind, which reconnects
      try (Socket second = server.accept()) {
        second.getOutputStream().write(ascii("again"));
        assertEquals("again", readExactly(second, 5), "the reconnected object serves the new fd");
        assertEquals(List.of("postInit", "completed", "unbind", "completed"), client.events);
        assertTrue(runner.call(client::isOpen));
        assertNull(runner.call(client::closeReason));
      }
      ReactorRunner.waitFor("second unbind", () -> unbinds.get() == 2);
      assertEquals(0, (int) runner.call(runner.reactor::connectionCount));
    }
  }

  @Test
  void reconnectIsRefusedWhileTheReactorStops() throws Exception {
    Reactor r = new Reactor("stopping");
    java.util.concurrent.BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    r.setErrorHandler((error, callback) -> errors.add(error));
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      ReactorRunner runner = new ReactorRunner(r);
      Echo client = new Echo() {
        @Override
        protected void unbind() {
          super.unbind();
          reconnect("127.0.0.1", server.getLocalPort());
        }
      };
      try (Socket accepted = accept(runner, server, client)) {
        runner.stop(); // closes the connection: its unbind tries to reconnect
      }
      Throwable refused = take(errors);
      assertInstanceOf(ReactorException.class, refused);
      assertTrue(refused.getMessage().endsWith("is stopping (expected: a running reactor)"),
          refused.getMessage());
      server.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, server::accept, "no second connect was made");
    }
  }

  private static Socket accept(ReactorRunner runner, ServerSocket server, Echo client)
      throws IOException {
    runner.call(() -> runner.reactor.connect("127.0.0.1", server.getLocalPort(), client));
    Socket accepted = server.accept();
    ReactorRunner.waitFor("connected", () -> client.events.contains("completed"));
    return accepted;
  }

  @Test
  void aConnectionsOwnPendingConnectTimeoutOverridesTheReactorsDefault() throws Exception {
    // A listener with a full backlog that never accepts: further SYNs are dropped, so a connect
    // to it stays pending (10.255.255.1 is not deterministic here: this network answers it).
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      List<SocketChannel> fillers = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          SocketChannel c = SocketChannel.open();
          c.configureBlocking(false);
          c.connect(full.getLocalSocketAddress());
          fillers.add(c);
        }
        Reactor r = runner.reactor;
        Echo pending = new Echo() {
          @Override
          protected void postInit() {
            super.postInit();
            setPendingConnectTimeout(Duration.ofMillis(300));
          }
        };
        assertEquals(Duration.ofSeconds(20), runner.call(() -> {
          Echo probe = new Echo();
          Duration d = r.connect("127.0.0.1", full.getLocalPort(), probe).pendingConnectTimeout();
          probe.closeConnection();
          return d;
        }), "the reactor's default unless set");
        long start = System.nanoTime();
        runner.call(() -> r.connect("127.0.0.1", full.getLocalPort(), pending));
        assertEquals(Duration.ofMillis(300), runner.call(pending::pendingConnectTimeout));
        ReactorRunner.waitFor("connect timed out", () -> pending.unbound);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs >= 300 && tookMs < 5_000, "timed out after " + tookMs + " ms");
        assertInstanceOf(ConnectionTimeoutException.class, pending.reason);
        assertEquals("connect to /127.0.0.1:" + full.getLocalPort()
            + " did not complete within 300 ms", pending.reason.getMessage());
        assertEquals(List.of("postInit", "unbind"), pending.events);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> runner.run(() -> pending.setPendingConnectTimeout(Duration.ZERO)));
        assertEquals("pendingConnectTimeout : PT0S (expected: > 0)", bad.getMessage());
      } finally {
        for (SocketChannel c : fillers) {
          c.close();
        }
      }
    }
  }

  @Test
  void idleTimeGrowsWhileSilentAndResetsOnTraffic() throws Exception {
    BlockingQueue<Echo> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, Echo::new, accepted);
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        Echo echo = take(accepted);
        ReactorRunner.waitFor("idle 300 ms",
            () -> runner.call(echo::idleTime).compareTo(Duration.ofMillis(300)) >= 0);
        client.getOutputStream().write(1);
        assertEquals(1, client.getInputStream().read());
        Duration afterTraffic = runner.call(echo::idleTime);
        assertTrue(afterTraffic.compareTo(Duration.ofMillis(300)) < 0,
            "idle " + afterTraffic + " after an echo");
      }
    }
  }

  @Test
  void closeWithAReasonAndToStringWithAddresses() throws Exception {
    BlockingQueue<Echo> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, Echo::new, accepted);
      InetSocketAddress local = (InetSocketAddress) server.localAddress();
      try (Socket client = new Socket()) {
        client.connect(local);
        Echo echo = take(accepted);
        String open = runner.call(echo::toString);
        assertTrue(open.matches("dev\\.tether\\.reactor\\.Echo\\[fd \\d+, local /127\\.0\\.0\\.1:"
            + local.getPort() + ", peer /127\\.0\\.0\\.1:" + client.getLocalPort() + "]"), open);
        runner.run(() -> echo.closeConnection("quota exceeded"));
        assertEquals(-1, client.getInputStream().read());
        assertInstanceOf(ConnectionClosedException.class, echo.reason);
        assertEquals("quota exceeded", echo.reason.getMessage());
        runner.run(() -> echo.closeConnection("again")); // closed already: keeps the first reason
        assertEquals("quota exceeded", runner.call(echo::closeReason).getMessage());
        String closed = echo.toString(); // off the reactor thread, after the close
        assertTrue(closed.startsWith("dev.tether.reactor.Echo[closed, was fd "), closed);
        assertTrue(closed.endsWith(", peer /127.0.0.1:" + client.getLocalPort() + "]"), closed);
        assertThrows(NullPointerException.class,
            () -> runner.run(() -> echo.closeConnection(null)));
      }
      assertEquals("dev.tether.reactor.Echo[not bound]", new Echo().toString());
    }
  }

  @Test
  void aProxyWithALengthRelaysThatManyThenCompletesAndTheRestIsReceived() throws Exception {
    BlockingQueue<Recorder> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Server server = serve(runner, () -> new Recorder() {
        @Override
        protected void proxyCompleted() {
          events.add("proxyCompleted");
        }
      }, accepted);
      try (Socket a = new Socket(); Socket b = new Socket()) {
        a.connect(server.localAddress());
        Recorder ca = take(accepted);
        b.connect(server.localAddress());
        Recorder cb = take(accepted);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> runner.run(() -> r.proxy(ca, cb, 0)));
        assertEquals("length : 0 (expected: > 0)", bad.getMessage());
        runner.run(() -> r.proxy(ca, cb, 5));
        a.getOutputStream().write(ascii("hello world"));
        assertEquals("hello", readExactly(b, 5), "exactly 5 bytes relayed");
        ReactorRunner.waitFor("the rest received", () -> ca.text.toString().equals(" world"));
        a.getOutputStream().write(ascii("!"));
        ReactorRunner.waitFor("later bytes received", () -> ca.text.toString().equals(" world!"));
        assertEquals("proxyCompleted", ca.events.get(1), ca.events.toString());
        assertEquals(1, ca.events.stream().filter("proxyCompleted"::equals).count());
        assertEquals("", cb.text.toString());
        b.setSoTimeout(200);
        assertThrows(SocketTimeoutException.class, () -> b.getInputStream().read(),
            "nothing past the limit reached the target");
      }
    }
  }

  @Test
  void pushedBackBytesComeFirstWithTheNextInput() throws Exception {
    BlockingQueue<Recorder> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      // Takes complete 4-byte frames; pushes back an incomplete rest.
      Server server = serve(runner, () -> new Recorder() {
        @Override
        protected void receiveData(ByteBuffer data) {
          events.add("receive " + ascii(data.duplicate()));
          while (data.remaining() >= 4) {
            byte[] frame = new byte[4];
            data.get(frame);
            text.append(new String(frame, StandardCharsets.US_ASCII)).append('|');
          }
          pushBackRead(data);
        }
      }, accepted);
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        Recorder c = take(accepted);
        client.getOutputStream().write(ascii("abcdef"));
        ReactorRunner.waitFor("first frame", () -> c.text.toString().equals("abcd|"));
        client.getOutputStream().write(ascii("gh"));
        ReactorRunner.waitFor("second frame", () -> c.text.toString().equals("abcd|efgh|"));
        assertTrue(c.events.contains("receive efgh"), c.events.toString());
        // Stack order, as PushbackInputStream: the last bytes pushed back come first.
        runner.run(() -> {
          c.pushBackRead(ByteBuffer.wrap(ascii("yz")));
          c.pushBackRead(ByteBuffer.wrap(ascii("wx")));
        });
        client.getOutputStream().write(ascii("1234"));
        ReactorRunner.waitFor("pushed frames", () -> c.text.toString().endsWith("wxyz|1234|"));
        IllegalArgumentException tooMuch = assertThrows(IllegalArgumentException.class,
            () -> runner.run(() -> c.pushBackRead(ByteBuffer.allocate(65537))));
        assertEquals("pushBackRead of 65537 bytes with 0 pushed back already (expected: at most"
            + " 65536 bytes in all, the read buffer's size)", tooMuch.getMessage());
      }
    }
  }

  @Test
  void aWriterOverridePerformsEveryWrite() throws Exception {
    BlockingQueue<Echo> accepted = new LinkedBlockingQueue<>();
    AtomicInteger calls = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, Echo::new, accepted);
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        Echo echo = take(accepted);
        // At most one byte per call: every byte goes through it, the rest waits.
        runner.run(() -> echo.setWriter((data, socket) -> {
          calls.incrementAndGet();
          ByteBuffer one = data.duplicate();
          one.limit(one.position() + 1);
          return socket.write(one);
        }));
        String message = "written one byte at a time";
        client.getOutputStream().write(ascii(message));
        assertEquals(message, readExactly(client, message.length()));
        assertTrue(calls.get() >= message.length(), calls.get() + " calls");
        // A transforming writer: the bytes it writes are its own (a heap buffer), one for one.
        runner.run(() -> echo.setWriter((data, socket) -> {
          ByteBuffer upper = ByteBuffer.allocate(data.remaining());
          while (data.hasRemaining()) {
            upper.put((byte) Character.toUpperCase(data.get()));
          }
          return socket.write(upper.flip());
        }));
        client.getOutputStream().write(ascii("shout"));
        assertEquals("SHOUT", readExactly(client, 5));
        IOException refused = new IOException("writer refuses");
        runner.run(() -> echo.setWriter((data, socket) -> {
          throw refused;
        }));
        client.getOutputStream().write(1);
        ReactorRunner.waitFor("closed by the writer's failure", () -> echo.unbound);
        assertEquals(refused, echo.reason);
        assertEquals(-1, client.getInputStream().read());
      }
    }
  }

  /** Notes hungUp and errorOccurred. */
  static class Watchful extends Echo {
    volatile Throwable error;

    @Override
    protected void hungUp() {
      events.add("hungUp");
      super.hungUp();
    }

    @Override
    protected void errorOccurred(Throwable e) {
      events.add("error");
      error = e;
    }
  }

  @Test
  void aFinIsAHangUpAndAResetIsAnError() throws Exception {
    BlockingQueue<Watchful> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, Watchful::new, accepted);
      Socket finisher = new Socket();
      finisher.connect(server.localAddress());
      Watchful fin = take(accepted);
      finisher.close();
      ReactorRunner.waitFor("fin: unbind", () -> fin.unbound);
      assertEquals(List.of("postInit", "hungUp", "unbind"), fin.events);
      assertNull(fin.reason);

      Socket resetter = new Socket();
      resetter.connect(server.localAddress());
      Watchful reset = take(accepted);
      resetter.setSoLinger(true, 0); // close sends RST
      resetter.close();
      ReactorRunner.waitFor("rst: unbind", () -> reset.unbound);
      assertEquals(List.of("postInit", "error", "unbind"), reset.events);
      NativeCallException e = assertInstanceOf(NativeCallException.class, reset.error);
      assertEquals(Linux.ECONNRESET, e.errno());
      assertEquals(e, reset.reason);
    }
  }

  @Test
  void theErrorStaysTheCloseReasonWhenErrorOccurredClosesItself() throws Exception {
    BlockingQueue<Watchful> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, () -> new Watchful() {
        @Override
        protected void errorOccurred(Throwable e) {
          super.errorOccurred(e);
          sendData(ascii("dropped")); // the socket is broken: dropped, not queued
          closeConnection();
        }
      }, accepted);
      Socket resetter = new Socket();
      resetter.connect(server.localAddress());
      Watchful reset = take(accepted);
      resetter.setSoLinger(true, 0);
      resetter.close();
      ReactorRunner.waitFor("unbind", () -> reset.unbound);
      assertEquals(List.of("postInit", "error", "unbind"), reset.events);
      assertEquals(reset.error, reset.reason);
    }
  }

  @Test
  void aHungUpOverrideKeepsWritingToAHalfClosedPeer() throws Exception {
    BlockingQueue<Echo> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = serve(runner, () -> new Echo() {
        @Override
        protected void hungUp() {
          events.add("hungUp");
          reactor().addTimer(Duration.ofMillis(50), () -> {
            sendData(ascii("bye"));
            closeConnectionAfterWriting();
          });
        }
      }, accepted);
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        Echo echo = take(accepted);
        client.getOutputStream().write(ascii("hi"));
        client.shutdownOutput();
        assertEquals("hibye", readExactly(client, 5));
        assertEquals(-1, client.getInputStream().read());
        ReactorRunner.waitFor("unbind", () -> echo.unbound);
        assertEquals(List.of("postInit", "hungUp", "unbind"), echo.events);
        assertTrue(runner.call(echo::isInputEnded));
      }
    }
  }
}
