package dev.tether.channel;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tether.channel.codec.MessageDecoder;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.ChannelSocket;
import dev.tether.channel.internal.FdNegotiation;
import dev.tether.channel.internal.Fds;
import dev.tether.channel.internal.FrameReader;
import dev.tether.channel.internal.FrameWriter;
import dev.tether.channel.internal.Protobuf;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A blocking channel that speaks Phusion Passenger's {@code MessageChannel} wire format over an
 * AF_UNIX stream socket: messages (lists of strings), hashes, scalars, protobuf payloads carried
 * as scalars, and file descriptors.
 *
 * <h2>Threading</h2>
 * One reader and one writer may use a channel at the same time: every read method holds the read
 * lock and every write method the write lock, so concurrent readers (or writers) are serialized
 * rather than interleaved. The negotiated fd methods ({@link #sendFd}, {@link #recvFd}) read and
 * write, so they hold both locks. {@link #close()} may be called from any thread at any time; a
 * read or write blocked in another thread then fails with {@link ChannelClosedException}.
 *
 * <h2>File descriptors</h2>
 * <ul>
 *   <li>The channel owns its socket fd and closes it in {@link #close()}.
 *   <li>Fds passed to {@link #sendFd} or {@link #writeWithFds} stay owned by the caller: the peer
 *       receives its own copies.
 *   <li>Fds returned by {@link #recvFd} and {@link #readWithFds} are owned by the caller, who must
 *       close them (for instance with {@link #closeFd}). They are close-on-exec duplicates, so
 *       processes spawned later do not inherit them.
 *   <li>Received fds that no caller claimed (because the read that would return them failed, or
 *       the channel closed first) are closed by the channel: nothing leaks.
 *   <li>At most {@value WireFormat#MAX_FDS_PER_MESSAGE} fds ride on one message
 *       ({@link WireFormat#MAX_FDS_PER_MESSAGE} says why).
 * </ul>
 *
 * <h2>Errors</h2>
 * Everything thrown is a {@link ChannelException}. Malformed input has its own subclass naming the
 * value and limit; input after which the channel cannot tell where the next unit starts also
 * makes every later read throw {@link ChannelBrokenException}. Fds that come with a unit that
 * announced none are closed (and logged), not an error. A refused write has written nothing.
 * End of stream before a unit starts is not an error: the read returns {@code null}, as
 * Passenger's returns {@code nil}; so does a reset (ECONNRESET: the peer closed with data of ours
 * unread), after the bytes it sent before.
 */
public final class MessageChannel implements Closeable {
  /** The largest scalar that {@link #readScalar()} and {@link #readProto(Parser)} accept. */
  public static final int DEFAULT_MAX_SCALAR_SIZE = 64 * 1024 * 1024;

  private final ReentrantLock readLock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ChannelSocket socket;
  private final FrameReader reader;
  private final FrameWriter writer;

  private MessageChannel(ChannelSocket socket) {
    this.socket = socket;
    this.reader = new FrameReader(socket);
    this.writer = new FrameWriter(socket);
  }

  /** Two connected channels, both ends in this process. Close each (or the pair) when done. */
  public record Pair(MessageChannel first, MessageChannel second) implements Closeable {
    /** Closes both channels, even if closing the first fails. */
    @Override
    public void close() {
      try {
        first.close();
      } finally {
        second.close();
      }
    }
  }

  /** Creates a connected pair over {@code socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)}. */
  public static Pair pair() {
    int[] sv = Sockets.pair();
    MessageChannel first;
    try {
      first = new MessageChannel(ChannelSocket.of(sv[0]));
    } catch (RuntimeException e) {
      Io.close(sv[0]);
      Io.close(sv[1]);
      throw e;
    }
    try {
      return new Pair(first, new MessageChannel(ChannelSocket.of(sv[1])));
    } catch (RuntimeException e) {
      first.close();
      Io.close(sv[1]);
      throw e;
    }
  }

  /**
   * Wraps a connected AF_UNIX stream socket. The channel takes ownership of {@code fd} and closes
   * it in {@link #close()}.
   */
  public static MessageChannel fromFd(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    return new MessageChannel(ChannelSocket.of(fd));
  }

  /**
   * Connects to a Unix socket listening at {@code path} (for instance a Passenger agent's) and
   * returns a channel that owns the new socket.
   *
   * @throws ChannelIOException if the connection fails; the message names the path and errno
   */
  public static MessageChannel connect(java.nio.file.Path path) {
    int fd = new Sockets().connectUnixBlocking(path);
    try {
      return new MessageChannel(ChannelSocket.of(fd));
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
  }

  /** The socket's fd number (owned by this channel). */
  public int fd() {
    return socket.number();
  }

  /**
   * How many bytes a read can take now without waiting for the peer: those buffered in the
   * channel plus those waiting in the socket. 0 also at end of stream. Takes the read lock.
   */
  public int available() {
    readLock.lock();
    try {
      return reader.available();
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Reads one message.
   *
   * @return its elements (element 0 is the name), or null at a clean end of stream
   * @throws InvalidUtf8Exception if an element is not UTF-8 (see {@link #readBytes()})
   * @throws UnexpectedFdsException if the message carried fds (see {@link #readWithFds()})
   */
  public List<String> read() {
    ReceivedMessage message = readWithFds();
    if (message == null || message.fds().isEmpty()) {
      return message == null ? null : message.elements();
    }
    message.close();
    throw new UnexpectedFdsException(
        "message '" + message.elements().get(0) + "' carried " + message.fds().size()
            + " fd(s); read it with readWithFds() (closed them)");
  }

  /** Reads one message whose elements are raw bytes; null at a clean end of stream. */
  public List<byte[]> readBytes() {
    readLock.lock();
    try {
      return reader.readMessageBytes();
    } finally {
      readLock.unlock();
    }
  }

  /**
   * Reads one message and the fds that rode on it ({@link #writeWithFds}). A message without fds
   * comes back with an empty fd list.
   *
   * @return the message, or null at a clean end of stream
   * @throws MissingFdsException if it announced more fds than came with it
   */
  public ReceivedMessage readWithFds() {
    readLock.lock();
    try {
      return reader.readMessage();
    } finally {
      readLock.unlock();
    }
  }

  /** Writes message {@code [name, args...]}. */
  public void write(String name, String... args) {
    write(MessageEncoder.elements(name, args));
  }

  /**
   * Writes one message.
   *
   * @throws InvalidElementException if an element contains NUL; nothing is written
   * @throws ReservedNameException if the name (element 0) starts with U+0001, which Tether's own
   *     frames use; nothing is written
   * @throws FrameTooLargeException if the body exceeds 65535 bytes; nothing is written
   */
  public void write(List<String> message) {
    writeLock.lock();
    try {
      writer.writeMessage(message);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Writes several messages with as few system calls as their size allows: the way to pipeline
   * many small messages. Checked as {@link #write(List)}; if one is refused, the messages before
   * it have been written and it and those after it have not, so the stream stays whole.
   */
  public void writeAll(List<? extends List<String>> messages) {
    writeLock.lock();
    try {
      writer.writeMessages(messages);
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes one message of raw byte elements (checked as {@link #write(List)}). */
  public void writeBytes(List<byte[]> message) {
    writeLock.lock();
    try {
      writer.writeMessageBytes(message);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Writes one message with {@code fds} attached to its bytes, so that the reader's
   * {@link #readWithFds()} gets the message and exactly these fds together. The caller keeps
   * ownership of {@code fds}. A Passenger peer does not understand this; use {@link #sendFd} there.
   *
   * @throws TooManyFdsException if there are more than {@value WireFormat#MAX_FDS_PER_MESSAGE} fds
   * @throws InvalidElementException as for {@link #write(List)} (such as a
   *     {@link ReservedNameException}); nothing is written
   */
  public void writeWithFds(List<String> message, FileDescriptor... fds) {
    writeLock.lock();
    try {
      writer.writeMessage(message, fds);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Reads a hash: a message of alternating keys and values.
   *
   * @return the hash in wire order, or null at a clean end of stream
   * @throws OddHashException if a key has no value
   */
  public Map<String, String> readHash() {
    List<String> elements = read();
    return elements == null ? null : MessageDecoder.toHash(elements);
  }

  /**
   * Writes {@code hash} as alternating keys and values, in its iteration order; checked as
   * {@link #write(List)}, with the first key as the message's name.
   */
  public void writeHash(Map<String, String> hash) {
    write(MessageEncoder.fromHash(hash));
  }

  /** Reads a scalar of at most {@link #DEFAULT_MAX_SCALAR_SIZE} bytes; null at end of stream. */
  public byte[] readScalar() {
    return readScalar(DEFAULT_MAX_SCALAR_SIZE);
  }

  /**
   * Reads a scalar of at most {@code maxSize} bytes. The heap it takes grows with the bytes that
   * arrive, not with the size its header announces.
   *
   * @return the bytes, or null at a clean end of stream
   * @throws ScalarTooLargeException if its header announces more than {@code maxSize} bytes; the
   *     body is not read, and every later read throws {@link ChannelBrokenException}
   * @throws TruncatedFrameException if the stream ends inside it, naming the bytes announced and
   *     received
   */
  public byte[] readScalar(int maxSize) {
    readLock.lock();
    try {
      return reader.readScalar(maxSize);
    } finally {
      readLock.unlock();
    }
  }

  /** Writes {@code data} as one scalar. */
  public void writeScalar(byte[] data) {
    writeLock.lock();
    try {
      writer.writeScalar(data);
    } finally {
      writeLock.unlock();
    }
  }

  /** Writes {@code message} serialized as one scalar. */
  public void writeProto(MessageLite message) {
    writeLock.lock();
    try {
      writer.writeProto(message);
    } finally {
      writeLock.unlock();
    }
  }

  /** Reads one protobuf message of at most {@link #DEFAULT_MAX_SCALAR_SIZE} bytes. */
  public <T> T readProto(Parser<T> parser) {
    return readProto(parser, DEFAULT_MAX_SCALAR_SIZE);
  }

  /**
   * Reads one scalar of at most {@code maxSize} bytes and parses it with {@code parser}.
   *
   * @return the message, or null at a clean end of stream
   * @throws MalformedFrameException if the bytes are not a valid message for {@code parser}
   */
  public <T> T readProto(Parser<T> parser, int maxSize) {
    byte[] bytes = readScalar(maxSize);
    if (bytes == null) {
      return null;
    }
    return Protobuf.parse(parser, bytes);
  }

  /**
   * Sends {@code fd} the way Passenger's {@code send_io} does: waits for the peer's
   * {@code ["pass IO"]}, sends one 0x00 byte carrying the fd, then waits for {@code ["got IO"]}.
   * The caller keeps ownership of {@code fd}.
   *
   * @throws FdNegotiationException if the peer sends anything else (or closes)
   */
  public void sendFd(FileDescriptor fd) {
    sendFd(fd, true);
  }

  /**
   * Sends {@code fd}, with Passenger's negotiation or, if {@code negotiate} is false, as the bare
   * one-byte {@code sendmsg} (both sides must agree).
   */
  public void sendFd(FileDescriptor fd, boolean negotiate) {
    Objects.requireNonNull(fd, "fd");
    readLock.lock();
    writeLock.lock();
    try {
      FdNegotiation.send(reader, writer, fd, negotiate);
    } finally {
      writeLock.unlock();
      readLock.unlock();
    }
  }

  /** Receives one fd with Passenger's negotiation (the peer calls {@link #sendFd}). */
  public FileDescriptor recvFd() {
    return recvFd(true);
  }

  /**
   * Receives one fd, with Passenger's negotiation ({@code ["pass IO"]} out, the fd in,
   * {@code ["got IO"]} out) or without it. The caller owns the returned fd.
   *
   * @throws MissingFdsException if the byte came without an fd
   * @throws ChannelClosedException if the stream ended first
   */
  public FileDescriptor recvFd(boolean negotiate) {
    readLock.lock();
    writeLock.lock();
    try {
      return FdNegotiation.receive(reader, writer, negotiate);
    } finally {
      writeLock.unlock();
      readLock.unlock();
    }
  }

  /** Closes an fd this channel handed out, with a plain close(2) (no socket shutdown). */
  public static void closeFd(FileDescriptor fd) {
    Fds.close(fd);
  }

  /** True once {@link #close()} has been called. */
  public boolean isClosed() {
    return socket.isClosed();
  }

  /**
   * Shuts the socket down (the peer sees end of stream even if another process holds a copy),
   * closes it and every received fd that no caller claimed. Idempotent; callable from any thread.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      if (!socket.close()) {
        return;
      }
    } catch (RuntimeException e) {
      failure = e; // the fd is closed all the same: the received ones go too
    }
    readLock.lock();
    try {
      reader.closeAll();
    } finally {
      readLock.unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "MessageChannel(fd=" + (socket.isClosed() ? "closed" : socket.number()) + ")";
  }
}
