package dev.tether.channel.internal;

import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelIOException;
import dev.tether.channel.MalformedFrameException;
import dev.tether.channel.MissingFdsException;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.TruncatedFrameException;
import dev.tether.channel.codec.MessageDecoder;
import dev.tether.channel.codec.WireFormat;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * The inbound half of a {@link dev.tether.channel.MessageChannel}: a read buffer over a blocking
 * junixsocket channel, the stream offset, and the received fds waiting for their frames.
 *
 * <p>Owns the received fds until a read hands them to its caller; {@link #closeAll} closes the
 * rest. Not thread-safe: the channel calls it under its read lock.
 */
public final class FrameReader {
  private final AFUNIXSocketChannel socket;
  private final BooleanSupplier closed;
  private final InboundFds inboundFds = new InboundFds();
  private final ByteBuffer in =
      ByteBuffer.allocate(WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE)
          .flip();
  private long bytesRead;
  private boolean eof;

  public FrameReader(AFUNIXSocketChannel socket, BooleanSupplier closed) {
    this.socket = socket;
    this.closed = closed;
  }

  /** One message with its fds; null at a clean end of stream. */
  public ReceivedMessage readMessage() {
    if (!fill(WireFormat.MESSAGE_HEADER_SIZE, "message header")) {
      return null;
    }
    fill(MessageDecoder.messageFrameLength(in), "message");
    return decodeBufferedMessage();
  }

  /** One message of raw byte elements; null at a clean end of stream. */
  public List<byte[]> readMessageBytes() {
    if (!fill(WireFormat.MESSAGE_HEADER_SIZE, "message header")) {
      return null;
    }
    fill(MessageDecoder.messageFrameLength(in), "message");
    long start = position();
    List<byte[]> elements = MessageDecoder.decodeMessageBytes(in);
    inboundFds.take(0, start, position(), "message");
    return elements;
  }

  /** One scalar of at most {@code maxSize} bytes; null at a clean end of stream. */
  public byte[] readScalar(int maxSize) {
    if (!fill(WireFormat.SCALAR_HEADER_SIZE, "scalar header")) {
      return null;
    }
    long start = position();
    int length = (int) MessageDecoder.scalarFrameLength(in, maxSize)
        - WireFormat.SCALAR_HEADER_SIZE;
    in.position(in.position() + WireFormat.SCALAR_HEADER_SIZE);
    byte[] body = new byte[length];
    int buffered = Math.min(length, in.remaining());
    in.get(body, 0, buffered);
    ByteBuffer rest = ByteBuffer.wrap(body, buffered, length - buffered);
    while (rest.hasRemaining()) {
      if (readSome(rest) < 0) {
        throw truncated("scalar", WireFormat.SCALAR_HEADER_SIZE + length,
            WireFormat.SCALAR_HEADER_SIZE + rest.position());
      }
    }
    inboundFds.take(0, start, position(), "scalar");
    return body;
  }

  /** The one byte of Passenger's send_io and the fd that came with it; the caller owns it. */
  public FileDescriptor readFdByte() {
    if (!fill(1, "fd byte")) {
      throw new MissingFdsException("end of stream while waiting for an fd");
    }
    long start = position();
    in.get();
    return inboundFds.take(1, start, position(), "fd byte").get(0);
  }

  /** One read(2) into the buffer, for an event loop; false at end of stream. */
  public boolean readOnce() {
    if (eof) {
      return false;
    }
    int r = readIntoBuffer();
    if (r < 0 && in.hasRemaining()) {
      throw truncated("message", Math.max(MessageDecoder.messageFrameLength(in), 2),
          in.remaining());
    }
    return r >= 0;
  }

  /** The next wholly buffered message with its fds, or null; never reads. */
  public ReceivedMessage pollMessage() {
    int length = MessageDecoder.messageFrameLength(in);
    if (length < 0 || in.remaining() < length) {
      return null;
    }
    return decodeBufferedMessage();
  }

  /** Closes every received fd that no read claimed. */
  public void closeAll() {
    inboundFds.closeAll();
  }

  private ReceivedMessage decodeBufferedMessage() {
    long start = position();
    List<String> elements = MessageDecoder.decodeMessage(in);
    int fdCount = announcedFds(elements);
    List<FileDescriptor> fds = inboundFds.take(fdCount, start, position(), "message");
    if (fdCount == 0) {
      return new ReceivedMessage(elements, List.of());
    }
    return new ReceivedMessage(elements.subList(2, elements.size()), fds);
  }

  private static int announcedFds(List<String> elements) {
    if (elements.isEmpty() || !WireFormat.FDS_MARKER.equals(elements.get(0))) {
      return 0;
    }
    int count;
    try {
      count = elements.size() < 3 ? -1 : Integer.parseInt(elements.get(1));
    } catch (NumberFormatException e) {
      count = -1;
    }
    if (count < 1 || count > WireFormat.MAX_FDS_PER_MESSAGE) {
      throw new MalformedFrameException(
          "fd header " + elements.subList(0, Math.min(2, elements.size()))
              + " (expected: count 1.." + WireFormat.MAX_FDS_PER_MESSAGE + " and a message name)");
    }
    return count;
  }

  /** Stream offset of {@code in}'s position. */
  private long position() {
    return bytesRead - in.remaining();
  }

  /**
   * Makes {@code n} bytes available in {@code in}. Returns false at a clean end of stream (nothing
   * buffered); throws if the stream ends inside a unit.
   */
  private boolean fill(int n, String unit) {
    while (in.remaining() < n) {
      if (eof && in.remaining() == 0) {
        return false;
      }
      int r = readIntoBuffer();
      if (r < 0) {
        if (in.remaining() == 0) {
          inboundFds.take(0, position(), position(), "end of stream");
          return false;
        }
        throw truncated(unit, n, in.remaining());
      }
    }
    return true;
  }

  /** One read from the socket into {@code in}, which stays ready for decoding. */
  private int readIntoBuffer() {
    in.compact();
    try {
      return readSome(in);
    } finally {
      in.flip();
    }
  }

  /** One read from the socket into {@code dst}; queues any fds that came with it. */
  private int readSome(ByteBuffer dst) {
    if (closed.getAsBoolean()) {
      throw new ChannelClosedException("channel is closed");
    }
    int r;
    try {
      r = socket.read(dst);
    } catch (SocketException e) {
      if (!closed.getAsBoolean() && String.valueOf(e.getMessage()).contains("reset")) {
        r = -1; // the peer is gone: end of stream, as for Passenger
      } else {
        throw readFailure(e);
      }
    } catch (IOException e) {
      throw readFailure(e);
    }
    if (r < 0) {
      if (closed.getAsBoolean()) {
        throw new ChannelClosedException("channel was closed during a read");
      }
      eof = true;
    } else {
      bytesRead += r;
    }
    collectReceivedFds();
    return r;
  }

  private RuntimeException readFailure(IOException e) {
    if (closed.getAsBoolean()) {
      return new ChannelClosedException("channel was closed during a read");
    }
    return new ChannelIOException("read failed: " + e.getMessage(), e);
  }

  private void collectReceivedFds() {
    FileDescriptor[] received;
    try {
      received = socket.getReceivedFileDescriptors();
    } catch (IOException e) {
      throw new ChannelIOException("cannot collect received fds", e);
    }
    if (received == null || received.length == 0) {
      return;
    }
    // Own them: a close-on-exec duplicate for the caller, and the original closed through a JDK
    // stream so that junixsocket stops tracking (and later re-closing) its number.
    FileDescriptor[] owned = new FileDescriptor[received.length];
    for (int i = 0; i < received.length; i++) {
      owned[i] = Fds.wrap(Fds.dupCloexec(Fds.number(received[i])));
      Fds.close(received[i]);
    }
    inboundFds.add(owned, bytesRead);
  }

  private static TruncatedFrameException truncated(String unit, long expected, long got) {
    return new TruncatedFrameException(
        "end of stream inside a " + unit + ": expected " + expected + " bytes, got " + got);
  }
}
