package dev.tether.channel.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelIOException;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * The outbound half of a {@link dev.tether.channel.MessageChannel}: encodes each unit into one
 * reused buffer and writes it whole. Fds to send stay owned by the caller. Not thread-safe: the
 * channel calls it under its write lock.
 */
public final class FrameWriter {
  private static final byte[] FD_CARRIER_BYTE = {0};

  private final AFUNIXSocketChannel socket;
  private final BooleanSupplier closed;
  private final ByteBuffer out =
      ByteBuffer.allocate(WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE);

  public FrameWriter(AFUNIXSocketChannel socket, BooleanSupplier closed) {
    this.socket = socket;
    this.closed = closed;
  }

  /** Writes one message; with {@code fds} (at most 60, checked by the caller) on its bytes. */
  public void writeMessage(List<String> message, FileDescriptor... fds) {
    out.clear();
    MessageEncoder.encodeMessage(
        fds.length == 0 ? message : MessageEncoder.withFdHeader(message, fds.length), out);
    out.flip();
    if (fds.length > 0) {
      setOutboundFds(fds);
    }
    flush(out);
  }

  /**
   * Writes {@code messages} in order, packing as many whole frames into each write(2) as fit. If
   * one is refused, the frames before it are written and it and those after it are not.
   */
  public void writeMessages(List<? extends List<String>> messages) {
    out.clear();
    try {
      for (List<String> message : messages) {
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

  /** Passenger's send_io: one 0x00 byte carrying {@code fd}. */
  public void writeFdByte(FileDescriptor fd) {
    setOutboundFds(new FileDescriptor[] {fd});
    flush(ByteBuffer.wrap(FD_CARRIER_BYTE));
  }

  private void setOutboundFds(FileDescriptor[] fds) {
    checkOpen();
    try {
      socket.setOutboundFileDescriptors(fds);
    } catch (IOException e) {
      throw new ChannelIOException("cannot attach " + fds.length + " fd(s)", e);
    }
  }

  private void flush(ByteBuffer src) {
    checkOpen();
    try {
      while (src.hasRemaining()) {
        socket.write(src);
      }
    } catch (IOException e) {
      if (closed.getAsBoolean()) {
        throw new ChannelClosedException("channel was closed during a write");
      }
      throw new ChannelIOException("write failed: " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed.getAsBoolean()) {
      throw new ChannelClosedException("channel is closed");
    }
  }
}
