package dev.tether.examples.http;

import dev.tether.server.AbstractServer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A pool worker serving {@link HttpHelloConnection}s handed to it by its pool. When the pool
 * drains it (stop, recycling, rolling restart), idle keep-alive connections close at once and busy
 * ones after their current answer, so the pool stops it as soon as its clients are answered.
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
          closeWhenIdle();
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
      c.closeWhenIdle();
    }
  }
}
