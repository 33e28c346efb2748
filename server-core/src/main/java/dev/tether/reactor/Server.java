package dev.tether.reactor;

import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * A listening socket started by {@link Reactor#startServer} or {@link Reactor#startUnixServer}.
 * The reactor owns its fd and closes it on {@link Reactor#stopServer} or {@link Reactor#stop()};
 * a Unix server's socket file is removed then too. Reactor thread only.
 */
public final class Server {
  final Listener listener;
  /** Set for servers of {@link EventedConnection}s ({@link Reactor#startServer(String, int)}). */
  EventedServer evented;

  Server(Listener listener) {
    this.listener = listener;
  }

  /** The bound address: an {@code InetSocketAddress} (with the real port if 0 was asked for) or a
   * {@code UnixDomainSocketAddress}. Known while listening and after. */
  public SocketAddress localAddress() {
    return listener.localAddress;
  }

  /** Whether the server still accepts connections. */
  public boolean isListening() {
    return listener.listening();
  }

  /**
   * Adds a listener that gets each connection this server accepts, right after it is registered
   * and before any of its data (so it can add its own listeners first). Several listeners run in
   * the order they were added; one that throws is reported to the error handler and the others
   * still run. Only for servers started without a factory ({@link Reactor#startServer(String,
   * int)}, {@link Reactor#startUnixServer(java.nio.file.Path)}).
   *
   * @return this server, to chain calls
   * @throws IllegalStateException if the server was started with a connection factory
   */
  public Server onAccept(Consumer<? super EventedConnection> listener) {
    evented("onAccept").add(java.util.Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * {@code on("accept", listener)}: the string form of {@link #onAccept}, for symmetry with
   * {@link EventedConnection#on}.
   *
   * @throws IllegalArgumentException if {@code event} is not "accept"
   * @throws IllegalStateException if the server was started with a connection factory
   */
  public Server on(String event, Consumer<? super EventedConnection> listener) {
    checkAccept(event);
    return onAccept(listener);
  }

  /** Removes the latest registration of {@code listener} for "accept"; absent: nothing. */
  public Server off(String event, Consumer<? super EventedConnection> listener) {
    checkAccept(event);
    evented("off").remove(listener);
    return this;
  }

  private static void checkAccept(String event) {
    if (!"accept".equals(event)) {
      throw new IllegalArgumentException("event : " + event + " (expected: accept)");
    }
  }

  private EventedServer evented(String what) {
    listener.reactor.checkLoop();
    if (evented == null) {
      throw new IllegalStateException(what + " on " + this + " (expected: a server started"
          + " without a connection factory, whose connections are EventedConnections)");
    }
    return evented;
  }

  @Override
  public String toString() {
    return "Server[" + listener.localAddress + "]";
  }
}
