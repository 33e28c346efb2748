package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyTest {
  private static final int SIZE = 10 * 1024 * 1024;

  /**
   * Front connection: proxies both ways to a fresh plain connection to the upstream; with
   * {@code tls} options it is a TLS server connection (TlsTest's proxy).
   */
  static final class Front extends Connection {
    final InetSocketAddress upstream;
    final AtomicInteger appCallbacks;
    final TlsOptions tls;
    Connection back;

    Front(InetSocketAddress upstream, AtomicInteger appCallbacks) {
      this(upstream, appCallbacks, null);
    }

    Front(InetSocketAddress upstream, AtomicInteger appCallbacks, TlsOptions tls) {
      this.upstream = upstream;
      this.appCallbacks = appCallbacks;
      this.tls = tls;
    }

    @Override
    protected void postInit() {
      if (tls != null) {
        startTls(tls);
      }
      Front front = this;
      back = reactor().connect(upstream, new Connection() {
        @Override
        protected void postInit() {
          reactor().proxy(front, this);
          reactor().proxy(this, front);
        }

        @Override
        protected void receiveData(ByteBuffer data) {
          appCallbacks.incrementAndGet();
        }

        @Override
        protected void unbind() {
          front.closeConnectionAfterWriting();
        }
      });
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      appCallbacks.incrementAndGet();
    }

    @Override
    protected void unbind() {
      back.closeConnectionAfterWriting();
    }
  }

  @Test
  void proxiesTenMegabytesIntactBothWaysWithoutApplicationCallbacks() throws Exception {
    Reactor r = new Reactor();
    r.setDefaultWatermarks(16 * 1024, 64 * 1024); // small, so back pressure is exercised
    AtomicInteger appCallbacks = new AtomicInteger();
    try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        ReactorRunner runner = new ReactorRunner(r)) {
      // Upstream: a plain blocking echo on its own thread.
      Thread echo = new Thread(() -> {
        try (Socket s = upstream.accept()) {
          s.getInputStream().transferTo(s.getOutputStream());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "upstream-echo");
      echo.start();
      InetSocketAddress up = (InetSocketAddress) upstream.getLocalSocketAddress();
      Server front = runner.call(() -> r.startServer("127.0.0.1", 0, () -> new Front(up,
          appCallbacks)));
      byte[] data = new byte[SIZE];
      new Random(7).nextBytes(data);
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
      try (Socket client = new Socket()) {
        client.connect(front.localAddress());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = client.getOutputStream();
            for (int off = 0; off < SIZE; off += 100_000) {
              out.write(data, off, Math.min(100_000, SIZE - off));
            }
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        InputStream in = client.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        // EventMachine semantics: a peer's EOF closes the connection (after its own queue is
        // written), so the client reads everything before it closes.
        while (total < SIZE && (n = in.read(buf)) > 0) {
          got.update(buf, 0, n);
          total += n;
        }
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(SIZE, total);
        assertArrayEquals(expected, got.digest());
      }
      echo.join(10_000);
      assertTrue(!echo.isAlive(), "upstream saw the close relayed by the proxy");
      assertEquals(0, appCallbacks.get(), "proxied data never reaches receiveData");
      ReactorRunner.waitFor("both sides closed", () -> runner.call(r::connectionCount) == 0);
    }
  }

  @Test
  void targetCloseStopsTheRelayAndTellsTheSource() throws Exception {
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      CompletableFuture<Connection> a = new CompletableFuture<>();
      CompletableFuture<Connection> b = new CompletableFuture<>();
      CompletableFuture<Boolean> told = new CompletableFuture<>();
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, () -> {
        Connection c = new Echo() {
          @Override
          protected void proxyTargetUnbound() {
            told.complete(true);
          }
        };
        (a.isDone() ? b : a).complete(c);
        return c;
      }));
      Socket sb = new Socket();
      try (Socket sa = new Socket()) {
        sa.connect(server.localAddress());
        Connection ca = a.get(10, TimeUnit.SECONDS);
        sb.connect(server.localAddress());
        Connection cb = b.get(10, TimeUnit.SECONDS);
        runner.run(() -> r.proxy(ca, cb));
        sa.getOutputStream().write(new byte[] {1, 2, 3});
        byte[] three = new byte[3];
        sb.setSoTimeout(10_000);
        assertEquals(3, sb.getInputStream().readNBytes(three, 0, 3));
        assertArrayEquals(new byte[] {1, 2, 3}, three);
        sb.close(); // the target's peer goes away
        assertTrue(told.get(10, TimeUnit.SECONDS));
        // The relay is gone: a's data goes to its own receiveData again (Echo echoes it).
        sa.getOutputStream().write(9);
        sa.setSoTimeout(10_000);
        assertEquals(9, sa.getInputStream().read());
      } finally {
        sb.close();
      }
    }
  }
}
