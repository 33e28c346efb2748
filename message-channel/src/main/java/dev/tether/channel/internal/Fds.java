package dev.tether.channel.internal;

import dev.tether.channel.ChannelIOException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * File descriptor plumbing: numbers to {@link FileDescriptor}s and back, close-on-exec duplicates,
 * socket pairs, an end-of-stream peek, and a plain close(2).
 *
 * <p>Why a plain close: closing a junixsocket socket always shuts it down for every process that
 * holds it, so an fd that another process still needs (the worker's end of the pair, a TCP socket
 * handed to a worker) must be released with close(2) only. {@link #close(FileDescriptor)} does that
 * through {@link FileInputStream}, which also makes junixsocket forget an fd it received.
 */
public final class Fds {
  private Fds() {}

  /** The fd number behind {@code fd}. */
  public static int number(FileDescriptor fd) {
    try {
      return FileDescriptorCast.using(fd).as(Integer.class);
    } catch (IOException e) {
      throw new ChannelIOException("cannot read the fd number of " + fd, e);
    }
  }

  /** A {@link FileDescriptor} for fd number {@code fd}; owns nothing by itself. */
  public static FileDescriptor wrap(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    try {
      return FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
    } catch (IOException e) {
      throw new ChannelIOException("cannot wrap fd " + fd, e);
    }
  }

  /**
   * A new close-on-exec duplicate of {@code fd}, made with junixsocket
   * rather than jnr-ffi, so that a fresh worker's channel needs only junixsocket loaded. The caller
   * owns it.
   */
  public static FileDescriptor duplicateCloexec(FileDescriptor fd) {
    try {
      return FileDescriptorCast.duplicating(fd).getFileDescriptor();
    } catch (IOException e) {
      throw new ChannelIOException("cannot duplicate " + fd, e);
    }
  }

  /**
   * shutdown(SHUT_RDWR) of socket {@code fd}, through a junixsocket cast channel (which leaves
   * the fd open): every process holding it sees the end, and blocked reads return.
   */
  public static void shutdown(FileDescriptor fd) throws IOException {
    FileDescriptorCast.using(fd).as(AFUNIXSocketChannel.class).close();
  }

  /**
   * Makes a connected AF_UNIX stream socket pair, both ends close-on-exec; the caller owns both.
   */
  public static int[] socketPair() {
    return new Sockets().pair();
  }

  /**
   * Opens a close-on-exec AF_UNIX stream socket connected to {@code path}; the caller owns it.
   *
   * @throws IllegalArgumentException if the path does not fit in sockaddr_un
   * @throws dev.tether.unix.NativeCallException if the connect fails (ENOENT, ECONNREFUSED...)
   */
  public static int connectUnix(java.nio.file.Path path) {
    return new Sockets().connectUnixBlocking(path);
  }

  /**
   * Whether a read of socket {@code fd} would return end of stream now (a non-blocking peek);
   * neither blocks nor consumes anything; false on any error.
   */
  public static boolean isAtEndOfStream(int fd) {
    return new Sockets().isAtEndOfStream(fd);
  }

  /** close(2) of a raw fd number, with the native layer's one close policy ({@link Io#close}). */
  public static void close(int fd) {
    Io.close(fd);
  }

  /** close(2) of {@code fd} without a shutdown, marking the object invalid. Idempotent. */
  public static void close(FileDescriptor fd) {
    if (!fd.valid()) {
      return;
    }
    try {
      new FileInputStream(fd).close();
    } catch (IOException e) {
      throw new ChannelIOException("close of " + fd + " failed", e);
    }
  }
}
