package dev.tether.examples.http;

import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code HttpHello PORT}: serves {@link HttpHelloConnection} on 127.0.0.1:PORT on one reactor
 * thread (the main thread) until SIGTERM or SIGINT, then stops the reactor, closing every
 * connection, and exits. PORT 0 picks a free port; the address is printed as {@code http hello
 * listening on /127.0.0.1:PORT}. A bad argument exits with status 2 and a usage line.
 */
public final class HttpHello {
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private HttpHello() {}

  public static void main(String[] args) throws InterruptedException {
    int port;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("expected one argument, got " + args.length);
      }
      port = Integer.parseInt(args[0]);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("usage: HttpHello PORT (0..65535; 0 picks a free port): "
          + e.getMessage());
      System.exit(2);
      return;
    }
    Reactor reactor = new Reactor("http");
    CountDownLatch stopped = new CountDownLatch(1);
    // The hook waits for the loop to end, so the JVM exits after connections are closed.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      reactor.stop();
      try {
        stopped.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "http-shutdown"));
    try {
      reactor.run(() -> {
        Server server = reactor.startServer("127.0.0.1", port, HttpHelloConnection::new);
        System.out.println("http hello listening on " + server.localAddress());
        System.out.flush();
      });
    } finally {
      stopped.countDown();
    }
  }
}
