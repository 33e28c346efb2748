package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackPressureTest {
  private static final long LOW = 32 * 1024;
  private static final long HIGH = 128 * 1024;
  /** What one read can add on top of the high watermark: the reactor's read buffer. */
  private static final long ONE_READ = 64 * 1024;

  /** Echo that records the largest outgoing queue it ever had. */
  static final class Watched extends Echo {
    final AtomicLong peak = new AtomicLong();
    volatile boolean sawNotWritable;

    @Override
    protected void receiveData(ByteBuffer data) {
      super.receiveData(data);
      peak.accumulateAndGet(outboundBytes(), Math::max);
      if (!isWritable()) {
        sawNotWritable = true;
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsHeldAtTheHighWatermark() throws Exception {
    Reactor r = new Reactor();
    r.setDefaultWatermarks(LOW, HIGH);
    try (ReactorRunner runner = new ReactorRunner(r)) {
      CompletableFuture<Watched> accepted = new CompletableFuture<>();
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, () -> {
        Watched w = new Watched();
        accepted.complete(w);
        return w;
      }));
      try (SocketChannel client = SocketChannel.open()) {
        client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        client.connect(server.localAddress());
        client.configureBlocking(false);
        Watched echo = accepted.get(10, TimeUnit.SECONDS);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Random random = new Random(1);
        byte[] chunk = new byte[16 * 1024];
        ByteBuffer out = ByteBuffer.allocate(0);
        long written = 0;
        // Write without reading until the kernel and the server refuse more for a while.
        int stalls = 0;
        while (stalls < 50) {
          if (!out.hasRemaining()) {
            random.nextBytes(chunk);
            sent.update(chunk);
            out = ByteBuffer.wrap(chunk);
          }
          int n = client.write(out);
          written += n;
          if (n == 0) {
            stalls++;
            long queued = runner.call(echo::outboundBytes);
            assertTrue(queued <= HIGH + ONE_READ, "queue " + queued + " past the watermark");
            Thread.sleep(5); // give the reactor a chance to read more, if it (wrongly) would
          } else {
            stalls = 0;
          }
          assertTrue(written < 64L << 20, "server kept reading: no back pressure");
        }
        long peak = echo.peak.get();
        assertTrue(peak > HIGH, "the queue reached the high watermark: " + peak);
        assertTrue(peak <= HIGH + ONE_READ, "memory bounded: peak " + peak);
        assertTrue(echo.sawNotWritable);
        assertFalse(runner.call(echo::isWritable));
        // Now read everything back: the echo resumes below the low watermark and stays intact.
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long got = 0;
        while (got < written || out.hasRemaining()) {
          if (out.hasRemaining()) {
            written += client.write(out);
          }
          in.clear();
          int n = client.read(in);
          if (n > 0) {
            received.update(in.array(), 0, n);
            got += n;
          }
          if (n == 0 && !out.hasRemaining()) {
            Thread.onSpinWait();
          }
        }
        assertEquals(written, got);
        assertArrayEquals(sent.digest(), received.digest());
        assertTrue(runner.call(echo::isWritable));
      }
    }
  }
}
