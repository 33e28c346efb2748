package dev.tether.supervisor.internal;

import dev.tether.reactor.Watcher;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket of a pool: accepts while the pool has a worker with room, and gives each
 * accepted fd to the pool; with no room it stops watching, and the kernel's backlog holds what
 * comes meanwhile.
 *
 * <p>Owns the listening fd (and a Unix socket's file) until {@link #close()}; each accepted fd
 * belongs to the pool's {@code onAccepted} from the call on. Opened on any thread, then used on
 * the pool's loop thread only.
 */
final class PoolListenSocket extends Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(PoolListenSocket.class);
  /** Most connections accepted per readiness event, so that accepting never starves the loop. */
  private static final int ACCEPTS_PER_TURN = 64;
  /** As gunicorn and Passenger; the kernel clamps it to net.core.somaxconn. */
  static final int BACKLOG = 2048;
  private static final long BACK_OFF_NANOS = 100_000_000L;

  private final int fd;
  private final Path unixPath; // null for TCP
  private final SocketAddress localAddress;
  private Sockets sockets; // the loop thread's
  private IntPredicate hasRoom;
  private IntConsumer onAccepted;
  private long backOffUntil; // System.nanoTime() before which accepting rests after a failure

  private PoolListenSocket(int fd, Path unixPath, SocketAddress localAddress) {
    this.fd = fd;
    this.unixPath = unixPath;
    this.localAddress = localAddress;
  }

  /**
   * Binds and listens on {@code address}: TCP ({@link InetSocketAddress}, port 0 picks one) or a
   * Unix path ({@link UnixDomainSocketAddress}, which must not exist).
   *
   * @throws NativeCallException if the address cannot be bound (EADDRINUSE...)
   * @throws IllegalArgumentException for another kind of address
   */
  static PoolListenSocket open(SocketAddress address) {
    Sockets sockets = new Sockets();
    if (address instanceof InetSocketAddress inet) {
      int fd = sockets.listenTcp(inet, BACKLOG);
      return new PoolListenSocket(fd, null, sockets.localAddress(fd));
    }
    if (address instanceof UnixDomainSocketAddress unix) {
      return new PoolListenSocket(sockets.listenUnix(unix.getPath(), BACKLOG), unix.getPath(),
          unix);
    }
    throw new IllegalArgumentException("address : " + address
        + " (expected: an InetSocketAddress or a UnixDomainSocketAddress)");
  }

  /**
   * Takes over {@code fd}, a listening socket this process inherited (systemd's socket
   * activation, checked by {@code SocketActivation}).
   */
  static PoolListenSocket adopt(int fd) {
    return new PoolListenSocket(fd, null, new Sockets().localAddress(fd));
  }

  /** Where it listens (the port chosen, for port 0). */
  SocketAddress localAddress() {
    return localAddress;
  }

  int listenFd() {
    return fd;
  }

  /** Loop thread: starts serving {@code onAccepted} while {@code hasRoom} says so. */
  void serve(Sockets loopSockets, IntPredicate room, IntConsumer accepted) {
    this.sockets = loopSockets;
    this.hasRoom = room;
    this.onAccepted = accepted;
  }

  @Override
  protected void notifyReadable() {
    for (int i = 0; i < ACCEPTS_PER_TURN && hasRoom.test(fd); i++) {
      int accepted;
      try {
        accepted = sockets.accept(fd);
      } catch (NativeCallException e) { // EMFILE and kin: the connection waits in the backlog
        LOG.warn("accepting on {} failed; resting {} ms: {}", localAddress,
            BACK_OFF_NANOS / 1_000_000, e.getMessage());
        backOffUntil = System.nanoTime() + BACK_OFF_NANOS;
        setNotifyReadable(false); // level-triggered: it would be reported again at once
        return;
      }
      if (accepted < 0) {
        return;
      }
      onAccepted.accept(accepted);
    }
  }

  /** Watches for connections while {@code room}, unless resting after an accept failure. */
  void accepting(boolean room) {
    boolean on = room && System.nanoTime() - backOffUntil >= 0;
    if (isAttached() && isNotifyReadable() != on) {
      setNotifyReadable(on);
    }
  }

  /** Stops watching (if watched), closes the socket, and removes a Unix socket's file. */
  void close() {
    if (isAttached()) {
      detach();
    }
    Io.close(fd);
    if (unixPath != null) {
      try {
        Files.deleteIfExists(unixPath);
      } catch (IOException e) {
        LOG.warn("could not remove socket file {}: {}", unixPath, e.toString());
      }
    }
  }
}
