package dev.tether.channel.internal;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The blocking socket under a {@link ChannelSocket}: the native layer's, which passes fds
 * ({@link NativeSocketIo}), or plain JDK streams, which start without native code but cannot
 * ({@link StreamSocketIo}; a worker's start-up).
 *
 * <p>Not thread-safe: one reader and one writer at a time (a
 * {@link dev.tether.channel.MessageChannel}'s read and write locks, or a worker's main thread);
 * {@link ChannelSocket#upgrade} swaps implementations with no read or write under way.
 */
public interface SocketIo {
  /**
   * Reads at most {@code dst.remaining()} bytes into {@code dst}, blocking until at least one
   * came; -1 at end of stream, also when the peer vanished with unread data (ECONNRESET: the
   * kernel resets the connection then, and the reader sees the bytes sent before it, then this).
   */
  int read(ByteBuffer dst) throws IOException;

  /** Fds that came with reads since the last call (the caller owns them); empty if none. */
  FileDescriptor[] takeReceivedFds() throws IOException;

  /** Writes all of {@code src}, with {@code fds} (owned by the caller) on its first byte. */
  void write(ByteBuffer src, FileDescriptor[] fds) throws IOException;

  /** Bytes that a read can take now without waiting for the peer (FIONREAD); 0 at end of stream. */
  int available() throws IOException;

  /** Whether fds can pass (with reads that may fetch more bytes than asked for). */
  boolean passesFds();

  /** Shuts the socket down, so that blocked reads and writes return and the peer sees the end. */
  void shutdown() throws IOException;
}
