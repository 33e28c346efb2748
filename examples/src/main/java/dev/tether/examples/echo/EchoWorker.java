package dev.tether.examples.echo;

import dev.tether.server.AbstractServer;

/**
 * A prefork echo worker: serves the TCP connections its pool hands it, echoing each byte back
 * ({@link EchoPool} runs a pool of them).
 */
public class EchoWorker extends AbstractServer {
  public EchoWorker() {
    serveConnections(EchoServer.Echo::new);
  }
}
