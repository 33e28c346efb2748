package dev.tether.reactor;

import java.net.SocketAddress;

/**
 * A listening socket started by {@link Reactor#startServer} or {@link Reactor#startUnixServer}.
 * The reactor owns its fd and closes it on {@link Reactor#stopServer} or {@link Reactor#stop()};
 * a Unix server's socket file is removed then too. Reactor thread only.
 */
public final class Server {
  final Listener listener;

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

  @Override
  public String toString() {
    return "Server[" + listener.localAddress + "]";
  }
}
