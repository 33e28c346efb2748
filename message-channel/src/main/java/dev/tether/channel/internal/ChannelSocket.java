package dev.tether.channel.internal;

import dev.tether.channel.ChannelClosedException;
import dev.tether.channel.ChannelIOException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The blocking socket under a {@link FrameReader} and a {@link FrameWriter}, and its one owner:
 * the fd, the {@link SocketIo} over it, the move from plain streams to the native layer (to a
 * close-on-exec duplicate, the original closed), and the close, unless {@link #release} handed
 * the fd on.
 *
 * <p>Thread-safe: a monitor orders the upgrade, the release and the close, and holds no I/O. The
 * reads and writes themselves follow {@link SocketIo}'s rules (one reader, one writer).
 */
public final class ChannelSocket implements FrameSink {
  private final Object lock = new Object();
  private volatile FileDescriptor fd; // replaced once, by upgrade()
  private volatile int number;
  private volatile SocketIo io;
  private volatile boolean closed;

  private ChannelSocket(FileDescriptor fd, int number, SocketIo io) {
    this.fd = fd;
    this.number = number;
    this.io = io;
  }

  /** Owns socket {@code number} through the native layer. */
  public static ChannelSocket of(int number) {
    FileDescriptor fd = Fds.wrap(number);
    return new ChannelSocket(fd, number, new NativeSocketIo(fd, number));
  }

  /**
   * Owns socket {@code number} through plain JDK streams: no native code until {@link #upgrade}.
   */
  public static ChannelSocket ofPlainStreams(int number) {
    FileDescriptor fd = Fds.wrap(number);
    return new ChannelSocket(fd, number, new StreamSocketIo(fd, number));
  }

  /** The io reads and writes go through now. */
  public SocketIo io() {
    return io;
  }

  /** The fd number now (a new one after {@link #upgrade}). */
  public int number() {
    return number;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Makes a plain-streams socket one that passes fds: reads and writes go through the native
   * layer from now on, over a close-on-exec duplicate, and the original fd is closed. Call it
   * with no read or write under way. Does nothing if the socket passes fds already or is closed.
   *
   * @throws ChannelIOException if the fd cannot be duplicated or wrapped
   */
  public void upgrade() {
    synchronized (lock) {
      if (closed || io.passesFds()) {
        return;
      }
      FileDescriptor duplicate = Fds.duplicateCloexec(fd);
      int duplicateNumber = Fds.number(duplicate);
      SocketIo upgraded;
      try {
        upgraded = new NativeSocketIo(duplicate, duplicateNumber);
      } catch (RuntimeException | Error e) {
        Fds.close(duplicate);
        throw e;
      }
      Fds.close(fd);
      io = upgraded;
      fd = duplicate;
      number = duplicateNumber;
    }
  }

  /**
   * Hands the fd to a new owner: {@link #upgrade upgraded} first (so it is close-on-exec), then
   * forgotten, not closed; this socket reads as closed from then on.
   *
   * @return the fd number, now owned by the caller
   * @throws ChannelClosedException if the socket is closed
   */
  public int release() {
    upgrade();
    synchronized (lock) {
      if (closed) {
        throw new ChannelClosedException("channel is closed");
      }
      closed = true;
      return number;
    }
  }

  /**
   * Writes all of {@code src} with {@code fds} on its first byte, blocking as needed; a socket on
   * plain streams is {@link #upgrade upgraded} first if there are fds.
   */
  @Override
  public void write(ByteBuffer src, FileDescriptor[] fds) {
    if (fds.length > 0) {
      upgrade();
    }
    if (closed) {
      throw new ChannelClosedException("channel is closed");
    }
    try {
      io.write(src, fds);
    } catch (IOException e) {
      if (closed) {
        throw new ChannelClosedException("channel was closed during a write");
      }
      throw new ChannelIOException("write failed: " + e.getMessage(), e);
    }
  }

  /**
   * Shuts the socket down (the peer sees the end even if another process holds a copy; blocked
   * reads and writes return) and closes it. Returns false if it was closed or released already.
   *
   * @throws ChannelIOException if the shutdown fails (the fd is closed all the same)
   */
  public boolean close() {
    SocketIo closing;
    FileDescriptor descriptor;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      closed = true;
      closing = io;
      descriptor = fd;
    }
    try {
      closing.shutdown();
    } catch (IOException e) {
      throw new ChannelIOException("close of channel fd " + number + " failed", e);
    } finally {
      Fds.close(descriptor); // shutting down left the fd open
    }
    return true;
  }
}
