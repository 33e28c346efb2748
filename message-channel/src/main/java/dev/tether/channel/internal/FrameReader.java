package dev.tether.channel.internal;

import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelIOException;
import dev.tether.channel.MalformedFrameException;
import dev.tether.channel.MissingFdsException;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.TruncatedFrameException;
import dev.tether.channel.codec.MessageDecoder;
import dev.tether.channel.codec.NameCache;
import dev.tether.channel.codec.WireFormat;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The inbound half of a {@link dev.tether.channel.MessageChannel}: a read buffer over a blocking
 * {@link SocketIo}, the stream offset, and the received fds waiting for their units.
 *
 * <p>Over a socket that passes fds it reads as much as the buffer takes; over one that does not,
 * exactly up to the end of the unit being decoded, and it asks for a socket that passes fds
 * ({@code upgrade}) before it reads an fd carrier byte or serves an event loop.
 *
 * <p>Owns the received fds until a read hands them to its caller; {@link #closeAll} closes the
 * rest. Not thread-safe: the channel calls it under its read lock.
 */
public final class FrameReader {
  private static final byte[] FDS_HEADER_PREFIX =
      (WireFormat.FDS_MARKER + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** How far a scalar's body buffer grows ahead of the bytes received. */
  private static final int SCALAR_CHUNK = 64 * 1024;

  private final ChannelSocket socket;
  private final Runnable upgrade;
  private final InboundFds inboundFds = new InboundFds();
  private final NameCache names = new NameCache();
  private final ByteBuffer in =
      ByteBuffer.allocate(WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE)
          .flip();
  private long bytesRead;
  private boolean eof;

  /**
   * @param socket the channel's socket, read through its current {@link SocketIo}
   * @param upgrade makes the channel's socket one that passes fds
   */
  public FrameReader(ChannelSocket socket, Runnable upgrade) {
    this.socket = socket;
    this.upgrade = upgrade;
  }

  /** One message with its fds; null at a clean end of stream. */
  public ReceivedMessage readMessage() {
    if (!fill(WireFormat.MESSAGE_HEADER_SIZE, "message header")) {
      return null;
    }
    fill(MessageDecoder.messageFrameLength(in), "message");
    return decodeBufferedMessage(isFdsHeader());
  }

  /** One message of raw byte elements; null at a clean end of stream. */
  public List<byte[]> readMessageBytes() {
    if (!fill(WireFormat.MESSAGE_HEADER_SIZE, "message header")) {
      return null;
    }
    fill(MessageDecoder.messageFrameLength(in), "message");
    long start = position();
    boolean carriesFds = isFdsHeader();
    List<byte[]> elements = MessageDecoder.decodeMessageBytes(in);
    inboundFds.take(0, start, position(), "message");
    if (carriesFds) {
      readCarriedFds(0, "message"); // refuses and closes them: binary reads take no fds
    }
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
    int buffered = Math.min(length, in.remaining());
    // The body grows with what arrives, by at most what came so far (or one chunk): a 4-byte
    // header announcing maxSize must not cost maxSize of heap before the bytes come.
    byte[] body = new byte[Math.min(length, buffered + SCALAR_CHUNK)];
    in.get(body, 0, buffered);
    ByteBuffer rest = ByteBuffer.wrap(body, buffered, body.length - buffered);
    while (rest.position() < length) {
      if (!rest.hasRemaining()) {
        int received = rest.position();
        body = Arrays.copyOf(body, (int) Math.min(length,
            received + Math.max((long) received, SCALAR_CHUNK)));
        rest = ByteBuffer.wrap(body, received, body.length - received);
      }
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
    return readCarriedFds(1, "fd byte").get(0);
  }

  /**
   * One read into the buffer, for an event loop (the socket is made one that passes fds first);
   * false at end of stream.
   */
  public boolean readOnce() {
    if (eof) {
      return false;
    }
    passFds();
    int r = readIntoBuffer(0);
    if (r < 0 && in.hasRemaining()) {
      throw truncated("message", Math.max(MessageDecoder.messageFrameLength(in), 2),
          in.remaining());
    }
    return r >= 0;
  }

  /**
   * The next wholly buffered message with its fds (and their carrier byte), or null; never reads.
   */
  public ReceivedMessage pollMessage() {
    int length = MessageDecoder.messageFrameLength(in);
    if (length < 0 || in.remaining() < length) {
      return null;
    }
    boolean fdsHeader = isFdsHeader();
    if (fdsHeader && in.remaining() == length) {
      return null; // its fd carrier byte has not come yet
    }
    return decodeBufferedMessage(fdsHeader);
  }

  /**
   * Bytes a read can take now without waiting for the peer: buffered here or waiting in the
   * socket. 0 also at end of stream.
   */
  public int available() {
    try {
      return in.remaining() + (eof ? 0 : socket.io().available());
    } catch (IOException e) {
      throw readFailure(e);
    }
  }

  /** Closes every received fd that no read claimed. */
  public void closeAll() {
    inboundFds.closeAll();
  }

  /** Decodes the wholly buffered message frame; {@code fdsHeader}: it is {@link #isFdsHeader}. */
  private ReceivedMessage decodeBufferedMessage(boolean fdsHeader) {
    long start = position();
    List<String> elements = MessageDecoder.decodeMessage(in, names);
    inboundFds.take(0, start, position(), "message");
    if (!fdsHeader) {
      return new ReceivedMessage(elements, List.of());
    }
    int fdCount = announcedFds(elements);
    List<String> message = elements.subList(2, elements.size());
    return new ReceivedMessage(message,
        readCarriedFds(fdCount, "message '" + (message.isEmpty() ? "" : message.get(0)) + "'"));
  }

  /** Whether the buffered message frame is Tether's fd header (its body starts "\u0001fds\0"). */
  private boolean isFdsHeader() {
    int body = in.position() + WireFormat.MESSAGE_HEADER_SIZE;
    if (in.limit() - body < FDS_HEADER_PREFIX.length) {
      return false;
    }
    for (int i = 0; i < FDS_HEADER_PREFIX.length; i++) {
      if (in.get(body + i) != FDS_HEADER_PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the 0x00 byte that carries the fds of {@code unit} and hands over exactly {@code count}
   * of them (0: any that came are closed and reported).
   */
  private List<FileDescriptor> readCarriedFds(int count, String unit) {
    if (!in.hasRemaining()) {
      passFds();
    }
    if (!fill(1, "fd carrier byte")) {
      throw new MissingFdsException("end of stream before the fd carrier byte of " + unit);
    }
    long start = position();
    byte carrier = in.get();
    List<FileDescriptor> fds = inboundFds.take(count, start, position(), unit);
    if (carrier != 0) {
      fds.forEach(Fds::close);
      throw new MalformedFrameException("fd carrier byte of " + unit + " is 0x"
          + Integer.toHexString(carrier & 0xFF) + " (expected: 0x00)");
    }
    return fds;
  }

  private void passFds() {
    if (!socket.io().passesFds()) {
      upgrade.run();
    }
  }

  /** The fd count of a decoded fd header ({@link #isFdsHeader}), checked. */
  private static int announcedFds(List<String> elements) {
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
      int r = readIntoBuffer(n - in.remaining());
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

  /**
   * One read from the socket into {@code in}, which stays ready for decoding: of at most
   * {@code missing} bytes (the rest of the unit being decoded) if the socket does not pass fds,
   * since the bytes after the unit may carry fds that read(2) would discard.
   */
  private int readIntoBuffer(int missing) {
    in.compact();
    int capacity = in.limit();
    if (missing > 0 && !socket.io().passesFds()) {
      in.limit(Math.min(capacity, in.position() + missing));
    }
    try {
      return readSome(in);
    } finally {
      in.limit(capacity);
      in.flip();
    }
  }

  /** One read from the socket into {@code dst}; queues any fds that came with it. */
  private int readSome(ByteBuffer dst) {
    if (socket.isClosed()) {
      throw new ChannelClosedException("channel is closed");
    }
    int r;
    try {
      r = socket.io().read(dst); // -1 also after a reset: the peer is gone, as for Passenger
    } catch (IOException e) {
      throw readFailure(e);
    }
    if (r < 0) {
      if (socket.isClosed()) {
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
    if (socket.isClosed()) {
      return new ChannelClosedException("channel was closed during a read");
    }
    return new ChannelIOException("read failed: " + e.getMessage(), e);
  }

  private void collectReceivedFds() {
    FileDescriptor[] received;
    try {
      received = socket.io().takeReceivedFds();
    } catch (IOException e) {
      throw new ChannelIOException("cannot collect received fds", e);
    }
    if (received.length == 0) {
      return;
    }
    inboundFds.add(received, bytesRead); // close-on-exec already (MSG_CMSG_CLOEXEC)
  }

  private static TruncatedFrameException truncated(String unit, long expected, long got) {
    return new TruncatedFrameException(
        "end of stream inside a " + unit + ": expected " + expected + " bytes, got " + got);
  }
}
