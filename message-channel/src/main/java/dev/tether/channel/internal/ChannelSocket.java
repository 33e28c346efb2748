package dev.tether.channel.internal;

import dev.tether.channel.ChannelIOException;
import java.io.FileDescriptor;
import java.io.IOException;

/**
 * The socket of a {@link dev.tether.channel.MessageChannel} and its one owner: the fd, the
 * {@link SocketIo} over it, the move from plain streams to the native layer (to a close-on-exec
 * duplicate, the original closed), and the close.
 *
 * <p>An upgrade is two steps so that the slow one (loading the native layer, which takes a fresh
 * JVM hundreds of milliseconds) runs while the channel's reads and writes go on: {@link #prepare}
 * without the channel's locks, {@link #commit} under both of them.
 *
 * <p>Thread-safe: a monitor orders the duplication, the switch and the close, and holds no I/O.
 */
public final class ChannelSocket {
  /** A native-layer io over a duplicate of the socket, made by {@link #prepare()}. */
  public static final class Upgrade {
    private final FileDescriptor fd;
    private final int number;
    private final SocketIo io;

    private Upgrade(FileDescriptor fd, int number, SocketIo io) {
      this.fd = fd;
      this.number = number;
      this.io = io;
    }
  }

  private final Object lock = new Object();
  private volatile FileDescriptor fd; // replaced once, by commit()
  private volatile int number;
  private volatile SocketIo io;
  private volatile boolean closed;

  private ChannelSocket(FileDescriptor fd, int number, SocketIo io) {
    this.fd = fd;
    this.number = number;
    this.io = io;
  }

  /**
   * Owns socket {@code number} through the native layer.
   */
  public static ChannelSocket of(int number) {
    FileDescriptor fd = Fds.wrap(number);
    return new ChannelSocket(fd, number, new NativeSocketIo(fd, number));
  }

  /**
   * Owns socket {@code number} through plain JDK streams: no native code until {@link #prepare}.
   */
  public static ChannelSocket ofPlainStreams(int number) {
    FileDescriptor fd = Fds.wrap(number);
    return new ChannelSocket(fd, number, new StreamSocketIo(fd, number));
  }

  /** The io reads and writes go through now. */
  public SocketIo io() {
    return io;
  }

  /** The fd number now (a new one after {@link #commit}). */
  public int number() {
    return number;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Step 1 of an upgrade: a native-layer io over a close-on-exec duplicate of the socket, or null
   * if the socket passes fds already or is closed. Without the channel's locks.
   *
   * @throws ChannelIOException if the fd cannot be duplicated or wrapped
   */
  public Upgrade prepare() {
    FileDescriptor duplicate;
    synchronized (lock) { // close() must not close the fd under the duplication
      if (closed || io.passesFds()) {
        return null;
      }
      duplicate = Fds.duplicateCloexec(fd);
    }
    int duplicateNumber = Fds.number(duplicate);
    try {
      return new Upgrade(duplicate, duplicateNumber,
          new NativeSocketIo(duplicate, duplicateNumber));
    } catch (RuntimeException e) {
      Fds.close(duplicate);
      throw e;
    }
  }

  /**
   * Step 2, under both of the channel's locks (no read or write is under way): reads and writes
   * go through {@code upgrade} from now on and the original fd is closed; or, if the socket was
   * closed or upgraded meanwhile, the duplicate is closed.
   */
  public void commit(Upgrade upgrade) {
    synchronized (lock) {
      if (closed || io.passesFds()) {
        Fds.close(upgrade.fd);
        return;
      }
      Fds.close(fd);
      io = upgrade.io;
      fd = upgrade.fd;
      number = upgrade.number;
    }
  }

  /**
   * Shuts the socket down (the peer sees the end even if another process holds a copy; blocked
   * reads and writes return) and closes it. Returns false if it was closed already.
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
