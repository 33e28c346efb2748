package dev.tether.examples.http;

import dev.tether.server.AbstractServer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A pool worker serving {@link HttpHelloConnection}s handed to it by its pool. When the pool
 * drains it (stop, recycling, rolling restart), each keep-alive connection goes back to the pool
 * once it is between requests (at once if idle, else after its current answer), with any
 * pipelined bytes it read and did not answer; the pool hands it to another worker, so clients
 * keep their connections, and this worker is stopped as soon as it serves none.
 */
public class HttpHelloWorker extends AbstractServer {
  private final Set<HttpHelloConnection> connections = new LinkedHashSet<>(); // reactor thread

  public HttpHelloWorker() {
    serveConnections(() -> new HttpHelloConnection() {
      @Override
      protected void postInit() {
        super.postInit();
        connections.add(this);
        if (isDraining()) { // handed over just before the drain began
          leave(this);
        }
      }

      @Override
      protected void unbind() {
        connections.remove(this);
      }
    });
  }

  @Override
  protected void drainConnections() {
    for (HttpHelloConnection c : Set.copyOf(connections)) {
      leave(c);
    }
  }

  private void leave(HttpHelloConnection c) {
    c.leaveWhenIdle(unhandled -> {
      try {
        handBack(c, unhandled);
      } catch (IllegalStateException | IllegalArgumentException e) { // closed meanwhile, or
        c.closeConnection(); // more pipelined bytes than a hand-back carries: the client retries
      }
    });
  }
}
