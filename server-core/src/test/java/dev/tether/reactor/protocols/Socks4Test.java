package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ReactorRunner;
import dev.tether.reactor.Server;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Socks4 through a real SOCKS4/4a proxy in its own process (socks4_proxy.py, python3: a small
 * proxy keeps the test free of another Debian package and of sockd's configuration), to an echo
 * server on the reactor.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Socks4Test {
  /** Sends a greeting once the tunnel is up and records what comes back. */
  static final class Greeter extends Connection {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    volatile boolean tunnelUp;

    @Override
    protected void postInit() {
      tunnelUp = true;
      sendData("hello through the proxy\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      synchronized (received) {
        received.writeBytes(bytes);
      }
    }

    String text() {
      synchronized (received) {
        return received.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  /** Echoes what it reads. */
  static final class EchoBack extends Connection {
    @Override
    protected void receiveData(ByteBuffer data) {
      sendData(data);
    }
  }

  @Test
  void tunnelsToTheTargetByAddressAndByNameAndReportsRefusals() throws Exception {
    try (PeerProcess proxy = PeerProcess.python("socks4_proxy.py");
        ReactorRunner runner = new ReactorRunner()) {
      Server echo = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, EchoBack::new));
      int echoPort = ((InetSocketAddress) echo.localAddress()).getPort();
      for (String host : new String[] {"127.0.0.1", "localhost"}) { // SOCKS4, then SOCKS4a
        Greeter greeter = new Greeter();
        CompletableFuture<Greeter> tunnel = runner.call(() -> Socks4.connect(runner.reactor,
            "127.0.0.1", proxy.port, host, echoPort, greeter).toCompletableFuture());
        assertSame(greeter, tunnel.get(10, TimeUnit.SECONDS));
        assertTrue(greeter.tunnelUp);
        ReactorRunner.waitFor("echo through " + host,
            () -> greeter.text().equals("hello through the proxy\n"));
        runner.run(greeter::closeConnection);
      }

      int closedPort = HttpClientTest.freePort();
      Greeter refused = new Greeter();
      CompletableFuture<Greeter> failed = runner.call(() -> Socks4.connect(runner.reactor,
          "127.0.0.1", proxy.port, "127.0.0.1", closedPort, refused).toCompletableFuture());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> failed.get(10, TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof Socks4Exception, e.getCause().toString());
      assertEquals("SOCKS4 proxy refused 127.0.0.1:" + closedPort + " via 127.0.0.1:" + proxy.port
          + ": reply code 91 (expected: 90, granted)", e.getCause().getMessage());
      assertTrue(!refused.tunnelUp && !runner.call(refused::isBound));
      assertThrows(IllegalArgumentException.class, () -> runner.call(() -> Socks4.connect(
          runner.reactor, "127.0.0.1", proxy.port, "127.0.0.1", 0, new Greeter())));
    }
  }
}
