package dev.tether.channel.internal;

import dev.tether.channel.ChannelBrokenException;
import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelException;
import dev.tether.channel.ChannelIOException;
import dev.tether.channel.MalformedFrameException;
import dev.tether.channel.MissingFdsException;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.ScalarTooLargeException;
import dev.tether.channel.TruncatedFrameException;
import dev.tether.channel.codec.MessageDecoder;
import dev.tether.channel.codec.NameCache;
import dev.tether.channel.codec.WireFormat;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The inbound half of a channel: a read buffer, the stream offset, the received fds waiting for
 * their units, and the scalar being put together. Bytes come one of two ways:
 * <ul>
 *   <li><b>pulled</b> from a blocking {@link ChannelSocket} by the {@code read*} methods (a
 *       {@link dev.tether.channel.MessageChannel}, a worker's start-up). Over a socket that passes
 *       fds it reads as much as the buffer takes; over plain streams, exactly up to the end of the
 *       unit being decoded, and it {@link ChannelSocket#upgrade upgrades} the socket before it
 *       reads an fd carrier byte;
 *   <li><b>pushed</b> by an event loop ({@link #fdsArrived}, {@link #push}) after {@link #detach}
 *       (a worker's reactor connection), and taken with {@link #pollMessage} and
 *       {@link #pollScalar}, which never read.
 * </ul>
 * Whatever one way buffered, the other finds: a worker's start-up hands this object, with its
 * buffer and fds, to the reactor.
 *
 * <p>A unit after which the reader cannot tell where the next one starts (a scalar above the
 * maximum, a bad fd header or carrier byte, missing fds, a truncated unit) breaks it: that read
 * throws, and every later one throws {@link ChannelBrokenException}, so payload bytes are never
 * decoded as frames. A malformed frame that was consumed whole (not UTF-8, trailing bytes) does
 * not.
 *
 * <p>Owns the received fds until a read hands them to its caller; {@link #closeAll} closes the
 * rest. Not thread-safe: one reader at a time (a channel's read lock, or the reactor thread).
 */
public final class FrameReader {
  private static final List<FileDescriptor> NO_FDS = List.of();
  private static final byte[] FDS_HEADER_PREFIX =
      (WireFormat.FDS_MARKER + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private ChannelSocket socket; // null once detached
  private final InboundFds inboundFds = new InboundFds();
  // pollElements' until takePolledFds; NO_FDS (compared by identity) almost always, and then not
  // stored again: a reference store a message costs a GC write barrier.
  private List<FileDescriptor> polledFds = NO_FDS;
  private final NameCache names = new NameCache();
  // The largest frame and, for an fd header frame, its carrier byte: a full buffer always holds a
  // whole unit, so a pushed stream always makes progress.
  private final ByteBuffer in =
      ByteBuffer.allocate(WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE + 1)
          .flip();
  private long bytesRead; // stream offset of in's limit
  private boolean eof;
  private ChannelException broken;
  private ScalarAssembly scalar; // the scalar under way (pollScalar), or null

  /** A reader fed by {@link #push} only, such as a reactor connection's. */
  public static FrameReader pushed() {
    return new FrameReader(null);
  }

  /** A reader that pulls from {@code socket}, which stays owned by the caller. */
  public FrameReader(ChannelSocket socket) {
    this.socket = socket;
  }

  /** One message with its fds; null at a clean end of stream. */
  public ReceivedMessage readMessage() {
    checkIntact();
    if (!fill(WireFormat.MESSAGE_HEADER_SIZE, "message header")) {
      return null;
    }
    fill(MessageDecoder.messageFrameLength(in), "message");
    return decodeBufferedMessage(isFdsHeader());
  }

  /** One message of raw byte elements; null at a clean end of stream. */
  public List<byte[]> readMessageBytes() {
    checkIntact();
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
    checkIntact();
    if (!fill(WireFormat.SCALAR_HEADER_SIZE, "scalar header")) {
      return null;
    }
    for (;;) {
      byte[] body = pollScalar(maxSize);
      if (body != null) {
        return body;
      }
      if (readIntoBuffer(scalar.missing()) < 0) {
        throw breaks(truncatedScalar());
      }
    }
  }

  /** The one byte of Passenger's send_io and the fd that came with it; the caller owns it. */
  public FileDescriptor readFdByte() {
    checkIntact();
    return readCarriedFds(1, "fd byte").get(0);
  }

  /**
   * Whether all of the next unit (a scalar of at most {@code maxScalarSize} bytes if
   * {@code scalar}, else a message frame) is buffered or waiting in the socket, so that reading it
   * does not wait for the peer; reads nothing but what is waiting of that unit. False
   * at end of stream (a reader of the socket's readiness finds that out). An fd header counts
   * with its carrier byte; a message frame that is all waiting is read into the buffer.
   *
   * @throws ScalarTooLargeException if a scalar's header announces more than
   *     {@code maxScalarSize} bytes (the reader is broken from then on)
   */
  public boolean unitWaiting(boolean scalar, int maxScalarSize) {
    checkIntact();
    int header = scalar ? WireFormat.SCALAR_HEADER_SIZE : WireFormat.MESSAGE_HEADER_SIZE;
    if (available() < header) {
      return false;
    }
    fill(header, scalar ? "scalar header" : "message header");
    long length;
    if (scalar) {
      try {
        length = MessageDecoder.scalarFrameLength(in, maxScalarSize);
      } catch (ScalarTooLargeException e) {
        throw breaks(e);
      }
      return available() >= length;
    }
    length = MessageDecoder.messageFrameLength(in);
    if (available() < length) {
      return false;
    }
    fill((int) length, "message"); // all waiting: no wait; an fd header's body now shows
    return !isFdsHeader() || available() > length;
  }

  /**
   * The next wholly buffered message with its fds (and their carrier byte), or null; never reads.
   */
  public ReceivedMessage pollMessage() {
    List<String> elements = pollElements();
    return elements == null ? null : new ReceivedMessage(elements, takePolledFds());
  }

  /**
   * {@link #pollMessage} without the {@link ReceivedMessage}: the elements of the next wholly
   * buffered message, or null; never reads. The fds that rode on it are then
   * {@link #takePolledFds}'s to hand over until the next poll, which closes any left.
   */
  public List<String> pollElements() {
    checkIntact();
    if (polledFds != NO_FDS) {
      takePolledFds().forEach(Fds::close); // the caller did not want them
    }
    int at = in.position();
    int buffered = in.limit() - at;
    if (buffered < WireFormat.MESSAGE_HEADER_SIZE) {
      return null;
    }
    byte[] array = in.array(); // offset 0: this reader allocated it
    int body = at + WireFormat.MESSAGE_HEADER_SIZE;
    int end = body + ((array[at] & 0xFF) << 8 | (array[at + 1] & 0xFF));
    if (end - at > buffered) {
      return null;
    }
    if (end > body && array[body] == FDS_HEADER_PREFIX[0] && isFdsHeader()) {
      if (end - at == buffered) {
        return null; // its fd carrier byte has not come yet
      }
      ReceivedMessage message = decodeBufferedMessage(true);
      polledFds = message.fds();
      return message.elements();
    }
    long start = position();
    in.position(end); // a malformed frame is consumed: the stream stays in step
    List<String> elements = MessageDecoder.decodeMessageBody(array, body, end, names);
    inboundFds.take(0, start, position(), "message");
    return elements;
  }

  /**
   * The fds of the message {@link #pollElements} returned last (empty if none; once): the caller
   * owns them from now on.
   */
  public List<FileDescriptor> takePolledFds() {
    List<FileDescriptor> fds = polledFds;
    if (fds != NO_FDS) {
      polledFds = NO_FDS;
    }
    return fds;
  }

  /**
   * The scalar at the head of the stream once all of it is buffered, else null; never reads. Its
   * bytes move out of the buffer as they come ({@link ScalarAssembly}: a 4-byte header announcing
   * {@code maxSize} costs one part of at most {@value ScalarAssembly#PART} bytes, never the size
   * it announces).
   *
   * @throws ScalarTooLargeException if the header announces more than {@code maxSize} bytes (the
   *     reader is broken from then on)
   */
  public byte[] pollScalar(int maxSize) {
    checkIntact();
    if (scalar == null) {
      if (in.remaining() < WireFormat.SCALAR_HEADER_SIZE) {
        return null;
      }
      long start = position();
      long frame;
      try {
        frame = MessageDecoder.scalarFrameLength(in, maxSize);
      } catch (ScalarTooLargeException e) {
        throw breaks(e);
      }
      in.position(in.position() + WireFormat.SCALAR_HEADER_SIZE);
      scalar = new ScalarAssembly((int) frame - WireFormat.SCALAR_HEADER_SIZE, start);
    }
    scalar.take(in);
    if (!scalar.complete()) {
      return null;
    }
    byte[] body = scalar.body();
    long start = scalar.start();
    scalar = null;
    inboundFds.take(0, start, position(), "scalar");
    return body;
  }

  /**
   * Stops reading from the socket: bytes come by {@link #push} from now on. What is buffered
   * stays. The socket is the caller's to release or close.
   */
  public void detach() {
    socket = null;
  }

  /**
   * Queues fds that came with the next {@code withBytes} bytes to be {@link #push pushed} (one
   * recvmsg); the reader owns them from now on (close-on-exec already).
   */
  public void fdsArrived(int[] fds, int withBytes) {
    FileDescriptor[] wrapped = new FileDescriptor[fds.length];
    for (int i = 0; i < fds.length; i++) {
      wrapped[i] = Fds.wrap(fds[i]);
    }
    inboundFds.add(wrapped, bytesRead + withBytes);
  }

  /**
   * Copies as many of {@code data}'s remaining bytes into the buffer as fit (consuming them).
   * Take what is whole with {@link #pollMessage} or {@link #pollScalar}, then push the rest: a
   * full buffer always holds a whole unit.
   */
  public void push(ByteBuffer data) {
    in.compact();
    int n = Math.min(data.remaining(), in.remaining());
    int limit = data.limit();
    data.limit(data.position() + n);
    in.put(data);
    data.limit(limit);
    in.flip();
    bytesRead += n;
  }

  /**
   * Says the pushed stream ended after what is buffered, all of which the caller has polled
   * that it will: fine after a whole unit; inside one (a frame or a scalar cut short, or before
   * the scalar that comes next if {@code scalarNext}) it breaks the reader.
   *
   * @throws TruncatedFrameException if the stream ended inside a unit
   */
  public void endOfStream(boolean scalarNext) {
    checkIntact();
    if (scalarNext && scalar == null) {
      throw breaks(truncated("scalar header", WireFormat.SCALAR_HEADER_SIZE, in.remaining()));
    }
    if (scalar != null) {
      throw breaks(truncatedScalar());
    }
    int frame = MessageDecoder.messageFrameLength(in);
    boolean carrierMissing = frame >= 0 && in.remaining() == frame && isFdsHeader();
    if (in.hasRemaining() && (frame < 0 || in.remaining() < frame || carrierMissing)) {
      throw breaks(truncated(carrierMissing ? "fd-carrying message" : "message",
          Math.max(frame, WireFormat.MESSAGE_HEADER_SIZE) + (carrierMissing ? 1 : 0),
          in.remaining()));
    }
  }

  /**
   * Bytes a read can take now without waiting for the peer: buffered here or waiting in the
   * socket. 0 also at end of stream.
   */
  public int available() {
    try {
      return in.remaining() + (eof || socket == null ? 0 : socket.io().available());
    } catch (IOException e) {
      throw readFailure(e);
    }
  }

  /** Closes every received fd that no read claimed, or that a poll left untaken. */
  public void closeAll() {
    takePolledFds().forEach(Fds::close);
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
    if (!in.hasRemaining() && socket != null) {
      socket.upgrade(); // reads that may take fds
    }
    if (!fill(1, "fd carrier byte")) {
      throw breaks(new MissingFdsException("end of stream before the fd carrier byte of " + unit));
    }
    long start = position();
    byte carrier = in.get();
    List<FileDescriptor> fds;
    try {
      fds = inboundFds.take(count, start, position(), unit);
    } catch (MissingFdsException e) {
      throw breaks(e);
    }
    if (carrier != 0) {
      fds.forEach(Fds::close);
      throw breaks(new MalformedFrameException("fd carrier byte of " + unit + " is 0x"
          + Integer.toHexString(carrier & 0xFF) + " (expected: 0x00)"));
    }
    return fds;
  }

  /** The fd count of a decoded fd header ({@link #isFdsHeader}), checked. */
  private int announcedFds(List<String> elements) {
    int count;
    try {
      count = elements.size() < 3 ? -1 : Integer.parseInt(elements.get(1));
    } catch (NumberFormatException e) {
      count = -1;
    }
    if (count < 1 || count > WireFormat.MAX_FDS_PER_MESSAGE) {
      throw breaks(new MalformedFrameException(
          "fd header " + elements.subList(0, Math.min(2, elements.size()))
              + " (expected: count 1.." + WireFormat.MAX_FDS_PER_MESSAGE + " and a message name)"));
    }
    return count;
  }

  /** Stream offset of {@code in}'s position. */
  private long position() {
    return bytesRead - in.remaining();
  }

  private void checkIntact() {
    if (broken != null) {
      throw new ChannelBrokenException("channel lost its place in the stream at an earlier"
          + " error: " + broken.getMessage() + " (expected: close it)", broken);
    }
  }

  private <E extends ChannelException> E breaks(E e) {
    broken = e;
    return e;
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
        throw breaks(truncated(unit, n, in.remaining()));
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
    if (socket == null) {
      throw new IllegalStateException("reader is detached (expected: push, then poll)");
    }
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

  private TruncatedFrameException truncatedScalar() {
    return truncated("scalar", WireFormat.SCALAR_HEADER_SIZE + (long) scalar.length(),
        WireFormat.SCALAR_HEADER_SIZE + (long) scalar.received());
  }

  private static TruncatedFrameException truncated(String unit, long expected, long got) {
    return new TruncatedFrameException(
        "end of stream inside a " + unit + ": expected " + expected + " bytes, got " + got);
  }
}
