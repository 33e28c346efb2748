package dev.tether.reactor;

import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.nio.ByteBuffer;
import org.slf4j.LoggerFactory;

/**
 * The read end of a popen child's separate stderr pipe: what arrives goes to {@link
 * ProcessConnection#receiveStderr}, in the reactor's shared read buffer, until end of file.
 * <b>Owns the fd</b> and closes it at end of file, on a read error or on {@link #close()}. It
 * reads whenever data comes, with no back pressure: a callback that cannot keep up must pause
 * the child in another way. Reactor thread only.
 */
final class StderrHandle extends Handle {
  private final Reactor reactor;
  private final ProcessConnection connection;
  private boolean closed;

  StderrHandle(Reactor reactor, ProcessConnection connection, int fd) {
    this.reactor = reactor;
    this.connection = connection;
    this.fd = fd;
  }

  @Override
  void onEvents(int events) {
    ByteBuffer buffer = reactor.io().readBuffer;
    long n = Io.read(fd, reactor.io().readAddress, buffer.capacity());
    if (n > 0) {
      buffer.clear().limit((int) n);
      reactor.callbacks().invoke(Callbacks.STDERR, connection, buffer);
    } else if (n == 0) {
      close();
    } else if (n != -Linux.EAGAIN && n != -Linux.EINTR) {
      LoggerFactory.getLogger(StderrHandle.class).warn("{}: reading the child's stderr failed",
          connection, Errors.failure("read", fd, (int) -n));
      close();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Stops reading and closes the pipe, then tells the connection. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    reactor.unregister(this);
    Io.close(fd);
    fd = -1;
    connection.stderrEnded();
  }

  @Override
  void shutdown() {
    close();
  }

  @Override
  String describe() {
    return "stderr of process " + connection.pid() + " for " + connection.getClass().getName();
  }
}
