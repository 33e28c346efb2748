package dev.tether.examples.echo;

import dev.tether.reactor.Connection;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.ReactorException;
import dev.tether.reactor.Server;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A byte-transparent TCP echo on 127.0.0.1 served by one reactor thread, with back pressure:
 * a client that sends without reading is held at its connection's high watermark.
 *
 * <p>Run it: {@code java dev.tether.examples.echo.EchoServer PORT} (0 picks a free port; the
 * chosen one is printed). In-process, for benchmarks and tests: {@link #start(int)} runs it on a
 * reactor thread of its own, {@link #start(Reactor, int)} on a reactor already running; both
 * return once the server listens, and {@link #close()} undoes them. Thread-safe.
 */
public final class EchoServer implements AutoCloseable {
  /** The echo itself: what comes in goes out, in order, untouched. */
  static final class Echo extends Connection {
    @Override
    protected void receiveData(ByteBuffer data) {
      // Written now if the socket takes it, else queued; above the high watermark the reactor
      // stops reading this connection until the client drains its replies.
      sendData(data);
    }
  }

  private static final long START_TIMEOUT_SECONDS = 30;

  private final Reactor reactor;
  private final Server server;
  private final Thread ownThread;

  private EchoServer(Reactor reactor, Server server, Thread ownThread) {
    this.reactor = reactor;
    this.server = server;
    this.ownThread = ownThread;
  }

  /** Starts an echo on a new reactor with a thread of its own ("echo-reactor"). */
  public static EchoServer start(int port) {
    checkPort(port);
    Reactor reactor = new Reactor("echo");
    CompletableFuture<Server> started = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        reactor.run(() -> started.complete(listen(reactor, port)));
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    }, "echo-reactor");
    thread.start();
    try {
      return new EchoServer(reactor, await(started, port), thread);
    } catch (RuntimeException e) {
      reactor.stop();
      throw e;
    }
  }

  /**
   * Starts an echo on {@code reactor}, which must be running; callable from any thread. The
   * reactor stays the caller's: {@link #close()} only stops this server.
   */
  public static EchoServer start(Reactor reactor, int port) {
    checkPort(port);
    if (reactor.inReactorThread()) {
      return new EchoServer(reactor, listen(reactor, port), null);
    }
    if (!reactor.isRunning()) {
      throw new ReactorException("reactor " + reactor + " is not running (expected: running)");
    }
    CompletableFuture<Server> started = new CompletableFuture<>();
    reactor.schedule(() -> {
      try {
        started.complete(listen(reactor, port));
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    });
    return new EchoServer(reactor, await(started, port), null);
  }

  private static Server listen(Reactor reactor, int port) {
    return reactor.startServer("127.0.0.1", port, Echo::new);
  }

  private static Server await(CompletableFuture<Server> started, int port) {
    try {
      return started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException ? (RuntimeException) cause
          : new ReactorException("echo server on port " + port + " failed to start", cause);
    } catch (TimeoutException e) {
      throw new ReactorException("echo server on port " + port + " did not start within "
          + START_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReactorException("interrupted while starting the echo server", e);
    }
  }

  private static void checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
    }
  }

  /** The address it listens on (127.0.0.1 and the real port). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The port it listens on. */
  public int port() {
    return address().getPort();
  }

  /** The reactor serving it. */
  public Reactor reactor() {
    return reactor;
  }

  /**
   * Stops listening. With a reactor of its own, also stops the reactor (closing every echo
   * connection) and waits for its thread to end.
   */
  @Override
  public void close() {
    if (ownThread != null) {
      reactor.stop();
      try {
        ownThread.join(TimeUnit.SECONDS.toMillis(START_TIMEOUT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    if (reactor.inReactorThread()) {
      reactor.stopServer(server);
    } else if (reactor.isRunning()) {
      CountDownLatch done = new CountDownLatch(1);
      reactor.schedule(() -> {
        try {
          reactor.stopServer(server);
        } finally {
          done.countDown();
        }
      });
      try {
        done.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code EchoServer PORT}: serves until interrupted (Ctrl-C, SIGTERM). */
  public static void main(String[] args) {
    int port;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument");
      }
      port = Integer.parseInt(args[0]);
      checkPort(port);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: EchoServer PORT (0..65535; 0 picks a free port): "
          + e.getMessage());
      System.exit(2);
      return;
    }
    Reactor reactor = new Reactor("echo");
    Runtime.getRuntime().addShutdownHook(new Thread(reactor::stop, "echo-shutdown"));
    reactor.run(() -> {
      Server server = listen(reactor, port);
      System.out.println("echo listening on " + server.localAddress());
      System.out.flush();
    });
  }
}
