package dev.tether.supervisor;

import dev.tether.reactor.Reactor;
import dev.tether.supervisor.internal.StatusAcceptor;
import dev.tether.supervisor.internal.StatusSocketFile;
import dev.tether.unix.internal.Io;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's status for operators on a Unix socket, as {@code passenger-status} has it: each
 * connection sends one request line and gets one answer, then the server closes it.
 *
 * <pre>
 * status   the status as JSON ({@link PoolStatus#toJson()})
 * table    the status as a table ({@link PoolStatus#toTable()})
 * metrics  the status in Prometheus' text format ({@link PoolStatus#toMetrics()})
 * ready    "ready: ..." if at least minReady workers are ready and the pool is not stopping
 * live     "live: ..." if the status came within the deadline from a pool not stopped
 * </pre>
 *
 * A failed request, probe or refusal is answered with one line starting {@code "error: "}.
 * {@link StatusClient} and {@code scripts/tether-status} speak this; so does {@code socat}.
 *
 * <p><b>Who may ask.</b> The socket is made 0600 in a directory that is created 0700 (or that
 * exists, is ours and has no group or other access; anything else is refused with
 * {@link StatusSocketException}), and each peer's effective uid is checked with
 * {@code SO_PEERCRED} against ours: a peer of another uid gets one error line and is logged.
 *
 * <p><b>Threading.</b> The server runs a {@link Reactor} on a thread of its own
 * ({@code tether-status}), so that a slow or silent client (bounded by a 5 s request timeout)
 * delays nobody, and the status itself is taken on the reactor's defer pool (one thread) with a
 * deadline (2 s by default): {@link WorkerPool#status()} waits for the pool's loop, and a loop
 * that does not answer in time makes {@code live} fail instead of hanging the probe. The pool's
 * loop never waits for this server. All methods are thread-safe.
 *
 * <p><b>Fds.</b> The server owns its listening socket and the accepted ones; {@link #close()}
 * closes them all, removes the socket file, and the directory if it created it and it is empty.
 */
public final class StatusServer implements AutoCloseable {
  /** How long a request waits for the status before it is answered with an error. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

  private final Path socket;
  private final StatusSocketFile.Listening listening;
  private final Reactor reactor = new Reactor("tether-status");
  private final Thread thread;
  private boolean closed; // guarded by this

  private StatusServer(Path socket, StatusSocketFile.Listening listening,
      Supplier<PoolStatus> source, int minReady, Duration deadline) {
    this.socket = socket;
    this.listening = listening;
    reactor.setThreadPoolSize(1); // a status that hangs holds one thread, not one per request
    CompletableFuture<Void> running = new CompletableFuture<>();
    thread = new Thread(() -> {
      try {
        reactor.run(() -> {
          try {
            reactor.watch(listening.fd(), new StatusAcceptor(reactor, socket, listening.uid(),
                source, minReady, deadline)).setNotifyReadable(true);
            running.complete(null);
          } catch (RuntimeException e) { // the reactor would log it and run on, serving nothing
            running.completeExceptionally(e);
            reactor.stop();
          }
        });
      } catch (RuntimeException | Error e) {
        if (!running.completeExceptionally(e)) {
          LOG.error("status socket {}: the server's loop failed; it answers no more", socket, e);
        }
      }
    }, "tether-status");
    thread.setDaemon(true);
    thread.start();
    try {
      running.join();
    } catch (CompletionException e) {
      joinThread();
      release();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Serves {@code source}'s status at {@code socket}, with {@link #DEFAULT_DEADLINE} and ready
   * from one ready worker on. See {@link #start(Path, Supplier, int, Duration)}.
   */
  public static StatusServer start(Path socket, Supplier<PoolStatus> source) {
    return start(socket, source, 1, DEFAULT_DEADLINE);
  }

  /**
   * Serves {@code source}'s status at {@code socket}. Its directory is created (0700) if it does
   * not exist, its parent must; a socket file left by a server that died is replaced.
   *
   * @param socket where to listen: a path short enough for a Unix socket (108 bytes)
   * @param source the status; called on the server's defer thread, never on the caller's
   * @param minReady workers that must be ready for {@code ready} to succeed, at least 1
   * @param deadline how long a request waits for {@code source}
   * @throws StatusSocketException if the directory is not private to us or a server answers on
   *     {@code socket} already (the message names the path, its owner and mode)
   * @throws dev.tether.unix.NativeCallException if the socket cannot be bound
   * @throws java.io.UncheckedIOException if the directory cannot be created or read
   * @throws IllegalArgumentException if {@code minReady} or {@code deadline} is not positive
   */
  public static StatusServer start(Path socket, Supplier<PoolStatus> source, int minReady,
      Duration deadline) {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(deadline, "deadline");
    if (minReady < 1) {
      throw new IllegalArgumentException("minReady : " + minReady + " (expected: >= 1)");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline : " + deadline + " (expected: > 0)");
    }
    return new StatusServer(socket, StatusSocketFile.listen(socket), source, minReady, deadline);
  }

  /** Where the server listens. */
  public Path socket() {
    return socket;
  }

  /**
   * Stops serving: closes open connections (a request waiting for its status gets no answer) and
   * the listening socket, removes the socket file, and returns once the server's thread ended.
   * Does nothing if closed already.
   *
   * @throws IllegalStateException if called on the server's own thread
   */
  @Override
  public void close() {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException("close() on the status server's own thread"
          + " (expected: another)");
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    reactor.stop();
    joinThread();
    release();
  }

  /** Waits for the thread to end, also when interrupted: the fds must be released either way. */
  private void joinThread() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void release() {
    Io.close(listening.fd());
    StatusSocketFile.remove(socket, listening.createdDirectory());
  }

  @Override
  public String toString() {
    return "StatusServer[" + socket + "]";
  }
}
