package dev.tether.channel.internal;

import dev.tether.channel.FdNegotiationException;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.codec.WireFormat;
import java.io.FileDescriptor;
import java.util.List;

/**
 * Passenger's way of passing one fd, {@code send_io}/{@code recv_io}: the receiver writes
 * {@code ["pass IO"]}, the sender answers with one 0x00 byte carrying the fd, the receiver
 * acknowledges with {@code ["got IO"]}; or, when both sides agree to skip the negotiation, the byte
 * alone. Stateless; the channel calls it holding both of its locks, over a socket that passes fds.
 */
public final class FdNegotiation {
  private FdNegotiation() {}

  /**
   * Sends {@code fd} (which stays the caller's).
   *
   * @throws FdNegotiationException if the peer sends anything else than the negotiation's
   *     messages, or closes
   */
  public static void send(FrameReader reader, FrameWriter writer, FileDescriptor fd,
      boolean negotiate) {
    if (negotiate) {
      expect(reader, WireFormat.PASS_IO);
    }
    writer.writeFdByte(fd);
    if (negotiate) {
      expect(reader, WireFormat.GOT_IO);
    }
  }

  /** Receives one fd, which the caller owns. */
  public static FileDescriptor receive(FrameReader reader, FrameWriter writer, boolean negotiate) {
    if (negotiate) {
      writer.writeMessage(List.of(WireFormat.PASS_IO));
    }
    FileDescriptor received = reader.readFdByte();
    if (negotiate) {
      try {
        writer.writeMessage(List.of(WireFormat.GOT_IO));
      } catch (RuntimeException e) {
        Fds.close(received);
        throw e;
      }
    }
    return received;
  }

  private static void expect(FrameReader reader, String name) {
    ReceivedMessage message = reader.readMessage();
    if (message == null || !message.fds().isEmpty() || !message.elements().equals(List.of(name))) {
      String got = message == null ? "end of stream" : message.elements()
          + (message.fds().isEmpty() ? "" : " with " + message.fds().size() + " fd(s)");
      if (message != null) {
        message.close();
      }
      throw new FdNegotiationException("expected [\"" + name + "\"] from the peer, got " + got);
    }
  }
}
