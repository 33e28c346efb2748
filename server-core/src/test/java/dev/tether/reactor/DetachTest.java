package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Connection#detach()} and {@link Reactor#attach(int, Connection, ByteBuffer)}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DetachTest {
  /** Collects its input as text; notes its unbind. */
  static final class Collector extends Connection {
    final StringBuffer text = new StringBuffer();
    final AtomicBoolean unbound = new AtomicBoolean();

    @Override
    protected void receiveData(ByteBuffer data) {
      text.append(StandardCharsets.US_ASCII.decode(data));
    }

    @Override
    protected void unbind() {
      unbound.set(true);
    }
  }

  private static void write(FileOutputStream out, String s) throws Exception {
    out.write(s.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void aDetachedFdStaysOpenWithWhatWasNotReadAndServesAgainAfterTheBytesAlreadyRead()
      throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    FileDescriptor peerFd = dev.tether.channel.internal.Fds.wrap(pair[0]);
    try (ReactorRunner runner = new ReactorRunner();
        FileOutputStream peerOut = new FileOutputStream(peerFd);
        FileInputStream peerIn = new FileInputStream(peerFd)) {
      Collector first = runner.call(() -> runner.reactor.attach(pair[1], new Collector()));
      write(peerOut, "abc");
      ReactorRunner.waitFor("abc read", () -> first.text.toString().equals("abc"));

      int fd = runner.call(first::detach);
      assertEquals(pair[1], fd, "the same fd, open");
      assertTrue(first.unbound.get(), "unbind ran");
      assertTrue(Io.isOpen(fd));
      write(peerOut, "def"); // stays in the socket: nothing reads it meanwhile

      Collector second = runner.call(() -> runner.reactor.attach(fd, new Collector(),
          ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII))));
      ReactorRunner.waitFor("xyz, then def", () -> second.text.toString().equals("xyzdef"));
      runner.call(() -> second.sendData("out".getBytes(StandardCharsets.US_ASCII)));
      byte[] got = new byte[3];
      assertEquals(3, peerIn.readNBytes(got, 0, 3));
      assertEquals("out", new String(got, StandardCharsets.US_ASCII));
      runner.call(() -> {
        second.closeConnection();
        return null;
      });
    }
  }

  @Test
  void aConnectionWithDataQueuedRefusesToDetachAndKeepsItsFd() throws Exception {
    ReactorRunner.warmUp();
    int[] pair = Sockets.pair();
    try (ReactorRunner runner = new ReactorRunner()) {
      Collector c = runner.call(() -> runner.reactor.attach(pair[1], new Collector()));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.call(() -> {
        c.sendData(new byte[8 * 1024 * 1024]); // more than the socket buffer takes
        return c.detach();
      }));
      assertTrue(e.getMessage().contains("bytes queued"), e.getMessage());
      assertTrue(runner.call(c::isOpen));
      runner.call(() -> {
        c.closeConnection();
        return null;
      });
    } finally {
      Io.close(pair[0]);
    }
  }
}
