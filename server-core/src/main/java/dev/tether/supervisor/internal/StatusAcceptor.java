package dev.tether.supervisor.internal;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Watcher;
import dev.tether.supervisor.PoolStatus;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.PeerCredentials;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts on a status socket and lets in only peers of our own effective uid
 * ({@code SO_PEERCRED}, which the peer cannot forge): a peer of another uid gets one error line
 * and is closed, and the refusal is logged. The file modes (0600 in a 0700 directory) keep others
 * out already; the uid check holds even if someone loosens them.
 *
 * <p>Does not own the listening fd (its {@code StatusServer} does); each accepted fd goes to the
 * reactor with its {@link StatusConnection}, or is closed here. Reactor thread only.
 */
public final class StatusAcceptor extends Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(StatusAcceptor.class);
  /** Most connections accepted per readiness event, so that accepting never starves the loop. */
  private static final int ACCEPTS_PER_TURN = 16;

  /** After a failed accept (EMFILE...), the rest before the next: no busy loop of warnings. */
  private static final Duration BACK_OFF = Duration.ofMillis(100);

  private final Reactor reactor;
  private final Path path;
  private final int uid;
  private final Supplier<StatusConnection> connections;
  private final Sockets sockets = new Sockets();

  /**
   * An acceptor, to be watched by {@code reactor}, of the socket at {@code path} (for logs) for
   * peers of {@code uid}, whose connections get their status from {@code source} (see
   * {@link StatusConnection}).
   */
  public StatusAcceptor(Reactor reactor, Path path, int uid, Supplier<PoolStatus> source,
      int minReady, Duration deadline) {
    this.reactor = reactor;
    this.path = path;
    this.uid = uid;
    this.connections = () -> new StatusConnection(source, minReady, deadline);
  }

  @Override
  protected void notifyReadable() {
    for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
      int fd;
      try {
        fd = sockets.accept(fd());
      } catch (NativeCallException e) { // EMFILE and kin: the client waits in the backlog
        LOG.warn("status socket {}: accepting failed; resting {} ms: {}", path,
            BACK_OFF.toMillis(), e.getMessage());
        setNotifyReadable(false); // level-triggered: it would be reported again at once
        reactor.addTimer(BACK_OFF, () -> {
          if (isAttached()) {
            setNotifyReadable(true);
          }
        });
        return;
      }
      if (fd < 0) {
        return;
      }
      PeerCredentials peer;
      try {
        peer = sockets.peerCredentials(fd);
      } catch (NativeCallException e) {
        LOG.warn("status socket {}: no peer credentials, closed: {}", path, e.getMessage());
        Io.close(fd);
        continue;
      }
      if (peer.uid() != uid) {
        refuse(fd, peer);
      } else {
        reactor.attach(fd, connections.get());
      }
    }
  }

  /** One line, sent without waiting (it fits an empty socket buffer), then close. */
  private void refuse(int fd, PeerCredentials peer) {
    LOG.warn("status socket {}: refused pid {} of uid {} (expected: uid {})", path, peer.pid(),
        peer.uid(), uid);
    byte[] line = (StatusRequest.ERROR + "uid " + peer.uid() + " may not use this socket"
        + " (expected: uid " + uid + ")\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buffer = Memory.allocate(line.length).put(line);
    Sockets.send(fd, Memory.address(buffer), line.length); // a failure: the peer left already
    Io.close(fd);
  }
}
