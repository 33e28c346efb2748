package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Sockets;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Reactor#bindConnect} and {@link Reactor#attachServer}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BindConnectTest {
  private static int freePort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Test
  void thePeerSeesTheChosenLocalPort() throws Exception {
    int port = freePort();
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      Echo echo = runner.call(() -> runner.reactor.bindConnect("127.0.0.1", port, "127.0.0.1",
          server.getLocalPort(), new Echo()));
      try (Socket accepted = server.accept()) {
        assertEquals(port, accepted.getPort(), "the connection came from the bound port");
        ReactorRunner.waitFor("completed", () -> echo.events.contains("completed"));
        assertEquals(new InetSocketAddress("127.0.0.1", port), runner.call(echo::localAddress));
        accepted.getOutputStream().write(new byte[] {4, 5});
        byte[] two = new byte[2];
        new DataInputStream(accepted.getInputStream()).readFully(two);
        assertArrayEquals(new byte[] {4, 5}, two, "and serves as any connection");
      }
      ReactorRunner.waitFor("unbind", () -> echo.unbound);
    }
  }

  @Test
  void aBindAddressThatCannotBeBoundFailsNamingItAndLeavesNothingOpen() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      int target = server.getLocalPort();
      Echo notLocal = new Echo();
      NativeCallException e = assertThrows(NativeCallException.class, () -> runner.call(
          () -> r.bindConnect("203.0.113.7", 0, "127.0.0.1", target, notLocal)));
      assertEquals(Linux.EADDRNOTAVAIL, e.errno());
      assertTrue(e.getMessage().startsWith("bind(/203.0.113.7:0) failed"), e.getMessage());
      assertFalse(notLocal.isBound());

      NativeCallException inUse = assertThrows(NativeCallException.class, () -> runner.call(
          () -> r.bindConnect("127.0.0.1", target, "127.0.0.1", target, new Echo())));
      assertEquals(Linux.EADDRINUSE, inUse.errno());
      assertTrue(inUse.getMessage().contains("127.0.0.1:" + target), inUse.getMessage());

      IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () ->
          runner.call(() -> r.bindConnect("127.0.0.1", 65536, "127.0.0.1", target, new Echo())));
      assertEquals("bindPort : 65536 (expected: 0..65535)", port.getMessage());
      assertEquals(0, (int) runner.call(r::connectionCount));
      assertEquals(0, (int) runner.call(r::pendingTimers), "no connect timer left behind");
    }
  }

  @Test
  void attachServerServesAListeningSocketMadeElsewhereAndClosesItAtStopServer()
      throws Exception {
    int fd = new Sockets().listenTcp(new InetSocketAddress("127.0.0.1", 0), 16);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      CompletableFuture<Echo> accepted = new CompletableFuture<>();
      Server server = runner.call(() -> r.attachServer(fd, () -> {
        Echo e = new Echo();
        accepted.complete(e);
        return e;
      }));
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      try (Socket client = new Socket(address.getAddress(), address.getPort())) {
        client.getOutputStream().write(7);
        assertEquals(7, client.getInputStream().read());
        assertTrue(accepted.get(10, TimeUnit.SECONDS).events.contains("postInit"));
      }
      runner.run(() -> r.stopServer(server));
      assertFalse(Io.isOpen(fd), "the reactor owns the attached fd and closed it");
    }
  }

  @Test
  void anAttachedServerIsClosedWhenTheReactorStops() throws Exception {
    int fd = new Sockets().listenTcp(new InetSocketAddress("127.0.0.1", 0), 16);
    ReactorRunner runner = new ReactorRunner();
    try {
      Server server = runner.call(() -> runner.reactor.attachServer(fd, Echo::new));
      assertTrue(runner.call(server::isListening));
    } finally {
      runner.stop();
    }
    assertFalse(Io.isOpen(fd));
  }

  @Test
  void attachServerRefusesWhatIsNotAListeningStreamSocketAndClosesIt() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      int datagram = Sockets.unixDatagram();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> r.attachServer(datagram, Echo::new)));
      assertEquals("fd " + datagram + ": a socket of type 2 (SOCK_DGRAM) (expected: a listening"
          + " stream socket)", e.getMessage());
      assertFalse(Io.isOpen(datagram));

      int[] pair = Sockets.pair();
      e = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> r.attachServer(pair[0], Echo::new)));
      assertEquals("fd " + pair[0] + ": a stream socket that does not listen (expected: a"
          + " listening stream socket)", e.getMessage());
      Io.close(pair[1]);

      int[] pipe = Io.pipe(true);
      e = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> r.attachServer(pipe[0], Echo::new)));
      assertEquals("fd " + pipe[0] + ": not a socket (expected: a listening stream socket)",
          e.getMessage());
      Io.close(pipe[1]);

      e = assertThrows(IllegalArgumentException.class,
          () -> runner.call(() -> r.attachServer(-1, Echo::new)));
      assertEquals("fd : -1 (expected: >= 0)", e.getMessage());
    }
  }
}
