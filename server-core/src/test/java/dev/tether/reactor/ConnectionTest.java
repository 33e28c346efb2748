package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionTest {
  @TempDir Path dir;

  @Test
  void tcpServerEchoesAndReportsAddresses() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      CompletableFuture<Echo> accepted = new CompletableFuture<>();
      Server server = startEchoServer(runner, accepted);
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      assertTrue(address.getPort() > 0);
      try (Socket client = new Socket("127.0.0.1", address.getPort())) {
        byte[] message = "hello, reactor".getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(message);
        byte[] echoed = new byte[message.length];
        new DataInputStream(client.getInputStream()).readFully(echoed);
        assertArrayEquals(message, echoed);
        Echo echo = accepted.get(10, TimeUnit.SECONDS);
        assertEquals(client.getLocalSocketAddress(), runner.call(echo::peerAddress));
        assertEquals(address, runner.call(echo::localAddress));
        assertEquals(1, (int) runner.call(runner.reactor::connectionCount));
      }
      Echo echo = accepted.get();
      ReactorRunner.waitFor("unbind after peer close", () -> echo.unbound);
      assertNull(echo.reason);
      assertEquals(List.of("postInit", "unbind"), echo.events);
      assertEquals(0, (int) runner.call(runner.reactor::connectionCount));
      runner.run(() -> runner.reactor.stopServer(server));
      assertFalse(runner.call(server::isListening));
      assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.1",
          address.getPort()).close());
    }
  }

  @Test
  void unixServerEchoesAndReactorConnectsOverTcpAndUnix() throws Exception {
    Path path = dir.resolve("echo.sock");
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      Server unix = runner.call(() -> r.startUnixServer(path, Echo::new));
      assertEquals(UnixDomainSocketAddress.of(path), unix.localAddress());
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        client.connect(UnixDomainSocketAddress.of(path));
        client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        ByteBuffer in = ByteBuffer.allocate(3);
        while (in.hasRemaining()) {
          client.read(in);
        }
        assertArrayEquals(new byte[] {1, 2, 3}, in.array());
      }
      Server tcp = runner.call(() -> r.startServer("127.0.0.1", 0, Echo::new));
      for (Object target : List.of(tcp.localAddress(), unix.localAddress())) {
        CompletableFuture<String> reply = new CompletableFuture<>();
        Echo client = new Echo() {
          @Override
          protected void connectionCompleted() {
            super.connectionCompleted();
            sendData("ping".getBytes(StandardCharsets.UTF_8));
          }

          @Override
          protected void receiveData(ByteBuffer data) {
            reply.complete(StandardCharsets.UTF_8.decode(data).toString());
            closeConnection();
          }
        };
        runner.run(() -> r.connect((java.net.SocketAddress) target, client));
        assertEquals("ping", reply.get(10, TimeUnit.SECONDS));
        ReactorRunner.waitFor("unbind", () -> client.unbound);
        assertEquals(List.of("postInit", "completed", "unbind"), client.events);
      }
    }
  }

  @Test
  void failedConnectUnbindsWithTheReason() throws Exception {
    int freePort;
    try (ServerSocket s = new ServerSocket(0)) {
      freePort = s.getLocalPort();
    }
    try (ReactorRunner runner = new ReactorRunner()) {
      Echo client = runner.call(() -> runner.reactor.connect("127.0.0.1", freePort, new Echo()));
      ReactorRunner.waitFor("unbind", () -> client.unbound);
      NativeCallException e = assertInstanceOf(NativeCallException.class, client.reason);
      assertEquals(111, e.errno(), e.getMessage());
      assertFalse(client.events.contains("completed"));
      NativeCallException missing = assertThrows(NativeCallException.class,
          () -> runner.call(() -> runner.reactor.connectUnix(dir.resolve("none"), new Echo())));
      assertTrue(missing.getMessage().contains("No such file"), missing.getMessage());
    }
  }

  @Test
  void closeAfterWritingWhileConnectingWritesTheQueueOnceConnectedThenCloses() throws Exception {
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      server.setSoTimeout(10_000);
      Echo client = new Echo();
      List<String> order = new CopyOnWriteArrayList<>();
      boolean[] results = runner.call(() -> {
        runner.reactor.connect("127.0.0.1", server.getLocalPort(), client);
        boolean connecting = !client.events.contains("completed");
        client.sendData(data, 0, 100_000);
        client.write(() -> order.add("written"));
        client.sendData(ByteBuffer.wrap(data, 100_000, data.length - 100_000));
        client.closeConnectionAfterWriting();
        boolean refusedLater = !client.sendData(new byte[] {1});
        return new boolean[] {connecting, refusedLater, client.isOpen()};
      });
      assertTrue(results[0], "still connecting when the data was queued");
      assertTrue(results[1], "no data accepted after closeConnectionAfterWriting");
      assertTrue(results[2], "open until the queue is written");
      try (Socket accepted = server.accept()) {
        accepted.setSoTimeout(10_000);
        assertArrayEquals(data, accepted.getInputStream().readAllBytes(), "all bytes, then EOF");
      }
      ReactorRunner.waitFor("unbind", () -> client.unbound);
      assertNull(client.reason);
      assertEquals(List.of("postInit", "completed", "unbind"), client.events);
      assertEquals(List.of("written"), order);
    }
  }

  @Test
  void closeAfterWritingWhileAConnectFailsUnbindsWithTheConnectError() throws Exception {
    int freePort;
    try (ServerSocket s = new ServerSocket(0)) {
      freePort = s.getLocalPort();
    }
    try (ReactorRunner runner = new ReactorRunner()) {
      List<String> order = new CopyOnWriteArrayList<>();
      Echo client = runner.call(() -> {
        Echo c = runner.reactor.connect("127.0.0.1", freePort, new Echo());
        c.sendData(new byte[100_000]);
        c.write(() -> order.add("written"));
        c.closeConnectionAfterWriting();
        return c;
      });
      ReactorRunner.waitFor("unbind", () -> client.unbound);
      NativeCallException e = assertInstanceOf(NativeCallException.class, client.reason);
      assertEquals(111, e.errno(), e.getMessage());
      assertEquals(List.of("postInit", "unbind"), client.events);
      assertEquals(0L, (long) runner.call(client::outboundBytes), "the queue is released");
      assertEquals(List.of(), order, "a write callback never runs on a failed connect");
    }
  }

  @Test
  void pendingConnectTimesOut() throws Exception {
    // A listener with a full accept queue that never accepts: further connects hang in SYN_SENT.
    try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Reactor r = new Reactor();
      r.setPendingConnectTimeout(Duration.ofMillis(300));
      try (ReactorRunner runner = new ReactorRunner(r)) {
        Echo hung = null;
        for (int i = 0; i < 8 && hung == null; i++) {
          Echo attempt = runner.call(() -> r.connect("127.0.0.1", full.getLocalPort(), new Echo()));
          ReactorRunner.waitFor("connect outcome", () -> attempt.unbound
              || attempt.events.contains("completed"));
          if (attempt.unbound) {
            hung = attempt;
          }
        }
        assertTrue(hung != null, "no connect stayed pending");
        assertInstanceOf(ConnectionTimeoutException.class, hung.reason);
        assertTrue(hung.reason.getMessage().contains("did not complete within 300 ms"),
            hung.reason.getMessage());
      }
    }
  }

  @Test
  void writeCallbacksRunInOrderAfterEarlierDataAndDrainFires() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      List<String> order = new CopyOnWriteArrayList<>();
      CompletableFuture<Connection> accepted = new CompletableFuture<>();
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
        Connection c = new Connection() {
          @Override
          protected void drained() {
            order.add("drained");
          }
        };
        accepted.complete(c);
        return c;
      }));
      try (Socket client = new Socket("127.0.0.1",
          ((InetSocketAddress) server.localAddress()).getPort())) {
        Connection c = accepted.get(10, TimeUnit.SECONDS);
        byte[] big = new byte[8 << 20];
        boolean[] results = runner.call(() -> {
          c.setWatermarks(1 << 30, 1 << 30);
          boolean ranNow = c.write(() -> order.add("first"));
          boolean allOut = c.sendData(big);
          boolean ranNow2 = c.write(() -> order.add("after-big"));
          c.sendData(new byte[] {9});
          return new boolean[] {ranNow, allOut, ranNow2, c.outboundBytes() > 0};
        });
        assertTrue(results[0], "a callback with nothing queued runs at once");
        assertFalse(results[1], "8 MiB cannot all go out at once to a client that is not reading");
        assertFalse(results[2]);
        assertTrue(results[3]);
        assertEquals(List.of("first"), order);
        InputStream in = client.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        while (total < big.length + 1) {
          int n = in.read(buf);
          assertTrue(n > 0);
          total += n;
        }
        ReactorRunner.waitFor("drained", () -> order.contains("drained"));
        assertEquals(List.of("first", "after-big", "drained"), order);
        assertTrue(runner.call(() -> c.sendData(new byte[] {1})), "empty queue: written at once");
      }
    }
  }

  @Test
  void pauseStopsReadingAndCloseAfterWritingFlushesFirst() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      CompletableFuture<Echo> accepted = new CompletableFuture<>();
      Server server = startEchoServer(runner, accepted);
      try (Socket client = new Socket("127.0.0.1",
          ((InetSocketAddress) server.localAddress()).getPort())) {
        client.setSoTimeout(10_000);
        Echo echo = accepted.get(10, TimeUnit.SECONDS);
        runner.run(echo::pause);
        assertTrue(runner.call(echo::isPaused));
        client.getOutputStream().write(new byte[] {5});
        // While paused nothing comes back; prove it with a short read timeout.
        client.setSoTimeout(200);
        assertThrows(java.net.SocketTimeoutException.class, () -> client.getInputStream().read());
        client.setSoTimeout(10_000);
        runner.run(echo::resume);
        assertEquals(5, client.getInputStream().read());
        runner.run(() -> {
          echo.sendData(new byte[300_000]);
          echo.closeConnectionAfterWriting();
        });
        long total = 0;
        int n;
        byte[] buf = new byte[65536];
        while ((n = client.getInputStream().read(buf)) > 0) {
          total += n;
        }
        assertEquals(300_000, total, "every queued byte before the close");
        ReactorRunner.waitFor("unbind", () -> echo.unbound);
      }
    }
  }

  @Test
  void inactivityTimeoutClosesASilentConnection() throws Exception {
    Reactor r = new Reactor();
    r.setHeartbeatInterval(Duration.ofMillis(50));
    try (ReactorRunner runner = new ReactorRunner(r)) {
      CompletableFuture<Echo> accepted = new CompletableFuture<>();
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, () -> {
        Echo e = new Echo() {
          @Override
          protected void postInit() {
            super.postInit();
            setInactivityTimeout(Duration.ofMillis(200));
          }
        };
        accepted.complete(e);
        return e;
      }));
      try (Socket client = new Socket("127.0.0.1",
          ((InetSocketAddress) server.localAddress()).getPort())) {
        client.setSoTimeout(10_000);
        Echo echo = accepted.get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        assertEquals(-1, client.getInputStream().read(), "closed by the server");
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(190), "closed after " + elapsed
            + " ns");
        ReactorRunner.waitFor("unbind", () -> echo.unbound);
        assertInstanceOf(ConnectionTimeoutException.class, echo.reason);
        assertEquals(Duration.ofMillis(200), runner.call(echo::inactivityTimeout));
      }
      // The heartbeat timer goes away with the last timed connection.
      ReactorRunner.waitFor("heartbeat gone", () -> runner.call(r::pendingTimers) == 0);
    }
  }

  @Test
  void watermarkArgumentsAreChecked() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runner.run(() -> runner.reactor.setDefaultWatermarks(10, 5)));
      assertEquals("low : 10, high : 5 (expected: 0 <= low <= high)", e.getMessage());
      assertThrows(ReactorException.class, () -> new Echo().sendData(new byte[1]));
    }
  }

  /** A TCP echo server on 127.0.0.1 whose first accepted connection completes {@code accepted}. */
  private static Server startEchoServer(ReactorRunner runner, CompletableFuture<Echo> accepted) {
    return runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
      Echo e = new Echo();
      accepted.complete(e);
      return e;
    }));
  }
}
