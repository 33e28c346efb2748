package dev.tether.examples.http;

import dev.tether.examples.support.ReactorMain;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.Server;

/**
 * {@code HttpHello PORT}: serves {@link HttpHelloConnection} on 127.0.0.1:PORT on one reactor
 * thread (the main thread) until SIGTERM or SIGINT, then stops the reactor, closing every
 * connection, and exits. PORT 0 picks a free port; the address is printed as {@code http hello
 * listening on /127.0.0.1:PORT}. A bad argument exits with status 2 and a usage line.
 */
public final class HttpHello {
  private HttpHello() {}

  public static void main(String[] args) {
    int port = ReactorMain.onlyArgumentPort("HttpHello", args);
    Reactor reactor = new Reactor("http");
    ReactorMain.runUntilSignalled(reactor, () -> {
      Server server = reactor.startServer("127.0.0.1", port, HttpHelloConnection::new);
      System.out.println("http hello listening on " + server.localAddress());
      System.out.flush();
    });
  }
}
