package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.channel.internal.ChannelSocket;
import dev.tether.channel.internal.FrameReader;
import dev.tether.channel.internal.FrameWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that closes with unread data in its receive buffer resets the connection (the reader's
 * next read(2) fails with ECONNRESET): the reader reads what came before, then end of stream, as
 * Passenger's does (WIRE.md "End of stream"). Recognised by type or state, never by the text of
 * an error, which the C library translates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerResetTest {
  private static final String AFTER_RESET = "[last] null null";

  @Test
  void theResetItselfIsRealAndReadsFailWithEconnreset() {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    try {
      TestNatives.writeFully(sv[1], new byte[] {0, 1, 0}); // the peer never reads it
      TestNatives.LIB.close(sv[0]);
      sv[0] = -1;
      byte[] buf = new byte[8];
      assertEquals(-1, TestNatives.LIB.read(sv[1], buf, buf.length));
      assertEquals(104 /* ECONNRESET */, jnr.ffi.Runtime.getSystemRuntime().getLastError());
    } finally {
      if (sv[0] >= 0) {
        TestNatives.LIB.close(sv[0]);
      }
      TestNatives.LIB.close(sv[1]);
    }
  }

  @Test
  void aResetReadsAsEndOfStreamOnTheNativeLayer() {
    assertEquals(AFTER_RESET, readAfterReset(false));
  }

  @Test
  void aResetReadsAsEndOfStreamOnPlainStreams() {
    assertEquals(AFTER_RESET, readAfterReset(true));
  }

  /**
   * What three reads return from a channel whose peer wrote message ["last"] and closed with the
   * channel's message ["unread"] unread, or the exception the first failing one threw.
   */
  static String readAfterReset(boolean plainStreams) {
    int[] sv = dev.tether.unix.internal.Sockets.pair();
    ChannelSocket socket = plainStreams
        ? ChannelSocket.ofPlainStreams(sv[1]) : ChannelSocket.of(sv[1]);
    FrameReader reader = new FrameReader(socket);
    try {
      try {
        TestNatives.writeFully(sv[0], new byte[] {0, 5, 'l', 'a', 's', 't', 0});
        new FrameWriter(socket).writeMessage(List.of("unread"));
      } finally {
        TestNatives.LIB.close(sv[0]); // with data in its receive buffer: the kernel resets
      }
      StringBuilder reads = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        ReceivedMessage message = reader.readMessage();
        reads.append(i == 0 ? "" : " ").append(message == null ? null : message.elements());
      }
      return reads.toString();
    } catch (ChannelException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    } finally {
      socket.close();
    }
  }
}
