package dev.tether.channel.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.tether.channel.ChannelIOException;
import dev.tether.channel.ReservedNameException;
import dev.tether.channel.TooManyFdsException;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.unix.internal.Io;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The outbound half of a channel: encodes each unit into one reused buffer and hands it whole to a
 * {@link FrameSink} (a blocking socket, or a worker's reactor connection). Fds to send stay owned
 * by the caller. Not thread-safe: a {@link dev.tether.channel.MessageChannel} calls it under its
 * write lock, a worker on its reactor thread.
 */
public final class FrameWriter {
  private static final FileDescriptor[] NO_FDS = {};
  /** First character of the names reserved for Tether's frames ({@link WireFormat#FDS_MARKER}). */
  private static final char RESERVED = '\u0001';

  private final FrameSink sink;
  private final ByteBuffer out =
      ByteBuffer.allocate(WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE);
  private final ByteBuffer carrier = ByteBuffer.allocate(1);

  /** A writer into {@code sink}. */
  public FrameWriter(FrameSink sink) {
    this.sink = sink;
  }

  /**
   * Writes one message.
   *
   * @throws ReservedNameException if its name starts with U+0001; nothing is written
   */
  public void writeMessage(List<String> message) {
    checkName(message);
    writeFrame(message);
  }

  /**
   * Writes one of Tether's own messages, whose name is reserved (starts with U+0001), such as a
   * worker pool's requests and replies; the other elements are checked as any message's.
   *
   * @throws IllegalArgumentException if the name is not reserved; nothing is written
   */
  public void writeTetherMessage(List<String> message) {
    checkTetherName(message);
    writeFrame(message);
  }

  /**
   * Writes one of Tether's own messages with {@code fds} attached (on the carrier byte after its
   * fd header frame, as {@link #writeMessage(List, FileDescriptor[])}); the caller keeps the fds.
   */
  public void writeTetherMessage(List<String> message, FileDescriptor... fds) {
    checkTetherName(message);
    checkFds(fds);
    writeFrame(MessageEncoder.withFdHeader(message, fds.length));
    writeFdByte(fds);
  }

  private static void checkTetherName(List<String> message) {
    String name = message.isEmpty() ? null : message.get(0);
    if (name == null || name.isEmpty() || name.charAt(0) != RESERVED) {
      throw new IllegalArgumentException("name : " + name + " (expected: a reserved name,"
          + " starting with U+0001)");
    }
  }

  /**
   * Writes Tether's fd header frame for {@code message}, then the byte that carries {@code fds}:
   * the frame itself carries none, so a reader that cannot receive fds can still read up to it and
   * stop (see {@link StreamSocketIo}). Without fds, a plain message.
   *
   * @throws TooManyFdsException if there are more than {@value WireFormat#MAX_FDS_PER_MESSAGE}
   *     fds; nothing is written
   * @throws IllegalArgumentException if one of {@code fds} is not open; nothing is written
   */
  public void writeMessage(List<String> message, FileDescriptor[] fds) {
    if (fds.length == 0) {
      writeMessage(message);
      return;
    }
    checkFds(fds);
    checkName(message);
    writeFrame(MessageEncoder.withFdHeader(message, fds.length));
    writeFdByte(fds);
  }

  /**
   * Writes {@code messages} in order, packing as many whole frames into each write(2) as fit. If
   * one is refused, the frames before it are written and it and those after it are not.
   */
  public void writeMessages(List<? extends List<String>> messages) {
    out.clear();
    try {
      for (List<String> message : messages) {
        checkName(message);
        if (!MessageEncoder.tryEncodeMessage(message, out)) {
          flush(out.flip());
          out.clear();
          MessageEncoder.encodeMessage(message, out);
        }
      }
    } finally {
      if (out.position() > 0) {
        flush(out.flip());
      }
    }
  }

  /** Writes one message of raw byte elements. */
  public void writeMessageBytes(List<byte[]> message) {
    if (!message.isEmpty() && message.get(0) != null && message.get(0).length > 0
        && message.get(0)[0] == RESERVED) {
      throw reservedName(new String(message.get(0), StandardCharsets.UTF_8));
    }
    out.clear();
    MessageEncoder.encodeMessageBytes(message, out);
    flush(out.flip());
  }

  /** Writes one scalar. */
  public void writeScalar(byte[] data) {
    out.clear();
    MessageEncoder.encodeScalarHeader(data.length, out);
    if (data.length <= out.remaining()) {
      flush(out.put(data).flip());
    } else {
      flush(out.flip());
      flush(ByteBuffer.wrap(data));
    }
  }

  /** Writes {@code message} serialized as one scalar, without a copy when it fits the buffer. */
  public void writeProto(MessageLite message) {
    int size = message.getSerializedSize();
    if (size > out.capacity() - WireFormat.SCALAR_HEADER_SIZE) {
      writeScalar(message.toByteArray());
      return;
    }
    out.clear();
    MessageEncoder.encodeScalarHeader(size, out);
    try {
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      message.writeTo(coded);
      coded.flush();
    } catch (IOException e) {
      throw new ChannelIOException("cannot serialize " + message.getClass().getName(), e);
    }
    flush(out.flip());
  }

  /**
   * Checked before the header goes out: a carrier byte refused after it would leave the peer's
   * stream out of step.
   */
  private static void checkFds(FileDescriptor[] fds) {
    if (fds.length > WireFormat.MAX_FDS_PER_MESSAGE) {
      throw new TooManyFdsException("message carries " + fds.length + " fds (expected: <= "
          + WireFormat.MAX_FDS_PER_MESSAGE + ")");
    }
    for (int i = 0; i < fds.length; i++) {
      int number = Fds.number(fds[i]);
      if (number < 0 || !Io.isOpen(number)) {
        throw new IllegalArgumentException("fds[" + i + "] : " + number
            + " (expected: an open fd)");
      }
    }
  }

  private void writeFrame(List<String> message) {
    out.clear();
    MessageEncoder.encodeMessage(message, out);
    flush(out.flip());
  }

  /** Refuses a name of Tether's own: a reader would take the message for one of its frames. */
  private static void checkName(List<String> message) {
    String name = message.isEmpty() ? null : message.get(0);
    if (name != null && !name.isEmpty() && name.charAt(0) == RESERVED) {
      throw reservedName(name);
    }
  }

  private static ReservedNameException reservedName(String name) {
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < Math.min(name.length(), 40); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        shown.append(String.format("\\u%04x", (int) c));
      } else {
        shown.append(c);
      }
    }
    return new ReservedNameException("message name \"" + shown
        + (name.length() > 40 ? "...\"" : "\"") + " starts with U+0001 (expected: any other"
        + " first character; U+0001 is reserved for Tether's own frames)");
  }

  /** One 0x00 byte carrying {@code fds}: Passenger's send_io, for one fd. */
  public void writeFdByte(FileDescriptor... fds) {
    carrier.clear().put((byte) 0).flip();
    flush(carrier, fds);
  }

  private void flush(ByteBuffer src) {
    flush(src, NO_FDS);
  }

  private void flush(ByteBuffer src, FileDescriptor[] fds) {
    sink.write(src, fds);
  }
}
