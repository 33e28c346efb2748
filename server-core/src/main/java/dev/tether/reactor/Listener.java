package dev.tether.reactor;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Poller;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket in the poll set: accepts up to {@link #ACCEPTS_PER_TURN} connections per
 * readiness event (so a flood of connects cannot starve the rest of the loop) and gives each to a
 * new {@link Connection} from the factory. Owns the listening fd and, for Unix servers, the socket
 * file.
 *
 * <p>What fails for one connection never closes the listener. If the factory throws or returns
 * null, or registering the connection fails, that connection's fd is closed and the error goes to
 * the error handler (as the factory's postInit). An accept4 error other than EAGAIN, EINTR and
 * ECONNABORTED (the peer gave up; skipped) is taken as a shortage (EMFILE, ENFILE, ENOBUFS,
 * ENOMEM): it is logged, the connection stays in the kernel's backlog and the listener leaves the
 * poll set for {@code BACK_OFF} (100 ms). Level-triggered, the waiting connection would otherwise
 * be reported again at once, a busy loop; shedding it instead (libuv's spare fd) would hold an fd
 * per reactor for a case that frees itself or needs an operator anyway.
 */
final class Listener extends Handle {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);
  static final int ACCEPTS_PER_TURN = 64;
  private static final java.time.Duration BACK_OFF = java.time.Duration.ofMillis(100);

  final Reactor reactor;
  final Supplier<? extends Connection> factory;
  final SocketAddress localAddress;
  private final Path unixPath;
  private boolean listening = true;

  Listener(Reactor reactor, int fd, Supplier<? extends Connection> factory, Path unixPath) {
    this.reactor = reactor;
    this.fd = fd;
    this.factory = factory;
    this.unixPath = unixPath;
    this.localAddress = reactor.io().sockets.localAddress(fd);
  }

  @Override
  void onEvents(int events) {
    for (int i = 0; i < ACCEPTS_PER_TURN && listening; i++) {
      int connFd;
      try {
        connFd = reactor.io().sockets.accept(fd);
      } catch (NativeCallException e) {
        // EMFILE and the like: the connection stays queued and, level-triggered, would be
        // reported again at once; stop listening for a moment instead of spinning.
        log.warn("accept on {} failed; retrying in {} ms", localAddress, BACK_OFF.toMillis(), e);
        reactor.reinterest(this, 0);
        reactor.timers().add(reactor, () -> {
          if (listening) {
            reactor.reinterest(this, Poller.READ);
          }
        }, BACK_OFF.toNanos(), 0);
        return;
      }
      if (connFd < 0) {
        return;
      }
      reactor.io().sockets.noDelay(connFd);
      Connection connection;
      try {
        connection = factory.get();
        if (connection == null) {
          throw new ReactorException("connection factory of " + localAddress + " returned null");
        }
      } catch (RuntimeException e) {
        Io.close(connFd);
        reactor.callbacks().failed(e, factory, Callbacks.POST_INIT);
        continue;
      }
      try {
        reactor.adoptSocket(connFd, connection);
      } catch (RuntimeException e) {
        // adopt has closed connFd. Let through, this would reach HandleTable, which closes the
        // failing handle: one connection that cannot be set up would take the listener with it.
        reactor.callbacks().failed(e, factory, Callbacks.POST_INIT);
      }
    }
  }

  boolean listening() {
    return listening;
  }

  void close() {
    if (!listening) {
      return;
    }
    listening = false;
    reactor.unregister(this);
    Io.close(fd);
    if (unixPath != null) {
      try {
        Files.deleteIfExists(unixPath);
      } catch (IOException e) {
        log.warn("could not remove the socket file {}", unixPath, e);
      }
    }
  }

  @Override
  void shutdown() {
    close();
  }

  @Override
  String describe() {
    return "listener " + localAddress + " serving " + factory.getClass().getName();
  }
}
