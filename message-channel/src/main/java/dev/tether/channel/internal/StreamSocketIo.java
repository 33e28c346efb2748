package dev.tether.channel.internal;

import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@link SocketIo} over plain JDK streams: read(2) and write(2) on the fd, no native code of ours
 * or jnr-ffi's, so a fresh JVM can use its inherited socket at once (the native layer takes
 * hundreds of milliseconds to load on a cold JVM; only a failed read calls native code, see
 * {@link #read}). It cannot pass fds, and the kernel discards fds that arrive with bytes read(2)
 * consumes, so the channel reads through it exactly up to the end of the unit it decodes and
 * never further (fds ride on a byte after their message frame).
 *
 * <p>Does not own the fd. {@link #shutdown()} loads the native layer (the JDK cannot shut down an
 * fd).
 */
public final class StreamSocketIo implements SocketIo {
  private static final FileDescriptor[] NO_FDS = {};

  private final FileDescriptor fd;
  private final int number;
  private final FileInputStream in;
  private final FileOutputStream out;

  /** Streams over {@code fd}, fd number {@code number}, made by {@link Fds#wrap}. */
  public StreamSocketIo(FileDescriptor fd, int number) {
    this.fd = fd;
    this.number = number;
    this.in = new FileInputStream(fd);
    this.out = new FileOutputStream(fd);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n;
    try {
      n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
    } catch (IOException e) {
      // The JDK reports every read(2) error alike, its errno only in translated text; a reset
      // (the peer vanished with unread data) is told by the state it leaves: end of stream, the
      // error consumed. A peek says so without blocking or consuming; it loads native code, but
      // only on this error path.
      if (new Sockets().isAtEndOfStream(number)) {
        return -1;
      }
      throw e;
    }
    if (n > 0) {
      dst.position(dst.position() + n);
    }
    return n;
  }

  @Override
  public FileDescriptor[] takeReceivedFds() {
    return NO_FDS;
  }

  /** Writes {@code src} (a heap buffer); {@code fds} must be empty. */
  @Override
  public void write(ByteBuffer src, FileDescriptor[] fds) throws IOException {
    if (fds.length > 0) {
      throw new IllegalStateException("plain streams cannot pass fds; upgrade the channel first");
    }
    out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
    src.position(src.limit());
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public boolean passesFds() {
    return false;
  }

  @Override
  public void shutdown() throws IOException {
    Fds.shutdown(fd);
  }
}
