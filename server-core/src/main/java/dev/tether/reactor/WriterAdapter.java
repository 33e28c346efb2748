package dev.tether.reactor;

import dev.tether.reactor.internal.OutboundBuffer;
import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Runs an application's {@link SocketWriter} for an endpoint's queue, and is the channel it
 * writes through. A writer's exception, or a count out of range, is kept as {@link #failure} and
 * reported as -EIO, so the endpoint closes with the application's own exception. Reactor thread
 * only.
 */
final class WriterAdapter implements OutboundBuffer.ChunkWriter, WritableByteChannel {
  private final Endpoint endpoint;
  private final SocketWriter writer;
  private final boolean socket;
  /** For heap buffers handed to {@link #write(ByteBuffer)}: send(2) needs native memory. */
  private ByteBuffer scratch;
  Throwable failure;

  WriterAdapter(Endpoint endpoint, SocketWriter writer, boolean socket) {
    this.endpoint = endpoint;
    this.writer = writer;
    this.socket = socket;
  }

  @Override
  public long write(int fd, ByteBuffer chunk) {
    int length = chunk.remaining();
    int n;
    try {
      n = writer.write(chunk, this);
    } catch (Exception e) {
      failure = e;
      return -Linux.EIO;
    }
    if (n < 0 || n > length) {
      failure = new IllegalStateException("writer " + writer.getClass().getName()
          + " returned " + n + " (expected: 0.." + length + ")");
      return -Linux.EIO;
    }
    return n;
  }

  /** Takes the kept failure, if any. */
  Throwable takeFailure() {
    Throwable f = failure;
    failure = null;
    return f;
  }

  /**
   * send(2) (write(2) for other fds) of {@code src}'s remaining bytes without blocking: the count,
   * 0 if the socket would block; src's position advances by it.
   *
   * @throws dev.tether.unix.NativeCallException on a write error (EPIPE, ECONNRESET...)
   */
  @Override
  public int write(ByteBuffer src) {
    if (!endpoint.open()) {
      throw new ReactorException("write to a closed connection " + endpoint.connection);
    }
    ByteBuffer direct = src;
    if (!src.isDirect()) {
      if (scratch == null || scratch.capacity() < Math.min(src.remaining(), 64 * 1024)) {
        scratch = Memory.allocate(Math.min(Math.max(src.remaining(), 4096), 64 * 1024));
      }
      direct = scratch.clear();
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + Math.min(part.remaining(), scratch.capacity()));
      direct.put(part).flip();
    }
    long address = endpoint.reactor.io().address(direct) + direct.position();
    long n;
    do {
      n = socket ? Sockets.send(endpoint.fd, address, direct.remaining())
          : Io.write(endpoint.fd, address, direct.remaining());
    } while (n == -Linux.EINTR);
    if (n == -Linux.EAGAIN) {
      return 0;
    }
    if (n < 0) {
      throw Errors.failure(socket ? "send" : "write", endpoint.fd, (int) -n);
    }
    src.position(src.position() + (int) n);
    return (int) n;
  }

  @Override
  public boolean isOpen() {
    return endpoint.open();
  }

  /** Refused: the reactor owns the fd ({@link Connection#closeConnection()} closes it). */
  @Override
  public void close() {
    throw new UnsupportedOperationException("close() of connection " + endpoint.connection
        + "'s socket (expected: Connection.closeConnection(); the reactor owns the fd)");
  }
}
