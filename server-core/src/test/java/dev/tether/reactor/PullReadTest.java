package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pull reading: notifyReadable and read(maxBytes), Danga::Socket's style. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PullReadTest {
  /** Reads at most 2 bytes per notification; notes every chunk, null included. */
  static final class Puller extends Echo {
    final List<String> chunks = new CopyOnWriteArrayList<>();

    @Override
    protected void postInit() {
      super.postInit();
      setPullReading(true);
    }

    @Override
    protected void notifyReadable() {
      ByteBuffer got = read(2);
      chunks.add(got == null ? "null" : StandardCharsets.US_ASCII.decode(got).toString());
    }

    @Override
    protected void receiveData(ByteBuffer data) {
      throw new AssertionError("push delivery in pull mode");
    }

    String text() {
      StringBuilder b = new StringBuilder();
      chunks.stream().filter(c -> !c.equals("null")).forEach(b::append);
      return b.toString();
    }
  }

  private interface Body<T extends Connection> {
    void run(ReactorRunner runner, T accepted, Socket client) throws Exception;
  }

  /** Runs {@code body} with a client connected to a server of {@code connections}. */
  private static <T extends Connection> void withConnection(Supplier<T> connections,
      Body<T> body) throws Exception {
    BlockingQueue<T> accepted = new LinkedBlockingQueue<>();
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, () -> {
        T c = connections.get();
        accepted.add(c);
        return c;
      }));
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        body.run(runner, accepted.poll(10, TimeUnit.SECONDS), client);
      }
    }
  }

  @Test
  void theConnectionIsToldAndReadsItselfPushedBackBytesFirst() throws Exception {
    withConnection(Puller::new, (runner, p, client) -> {
      client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      ReactorRunner.waitFor("hello pulled", () -> p.text().equals("hello"));
      assertTrue(p.chunks.stream().allMatch(c -> c.length() <= 2), p.chunks.toString());

      String pulled = runner.call(() -> {
        p.pushBackRead(ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer first = p.read(100); // the pushed-back bytes, without touching the socket
        ByteBuffer nothing = p.read(100);
        return StandardCharsets.US_ASCII.decode(first) + "/" + nothing.remaining();
      });
      assertEquals("xyz/0", pulled, "pushed back first, then empty: nothing waits now");

      assertThrows(IllegalArgumentException.class, () -> runner.call(() -> p.read(0)));
      client.shutdownOutput();
      ReactorRunner.waitFor("end of stream", () -> p.unbound);
      assertEquals("null", p.chunks.get(p.chunks.size() - 1));
      assertEquals(List.of("postInit", "unbind"), p.events);
      assertNull(p.reason);
      assertNull(runner.call(() -> p.read(1)), "null once closed");
    });
  }

  @Test
  void readInPushModeIsRefused() throws Exception {
    withConnection(Echo::new, (runner, echo, client) -> {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> runner.call(() -> echo.read(10)));
      assertEquals("read(10) of dev.tether.reactor.Echo (expected: pull reading on, see"
          + " setPullReading)", e.getMessage());
    });
  }
}
