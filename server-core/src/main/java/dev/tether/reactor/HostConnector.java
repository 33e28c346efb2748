package dev.tether.reactor;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Connects to a host name without blocking the loop. {@link Connector} registers the connection
 * at once under a placeholder fd (an unbound AF_UNIX datagram socket, out of the poll set), so
 * that it gets postInit and can queue data; the name is resolved here on the defer pool; back on
 * the loop the real socket's connect starts and {@code dup3} puts it under the placeholder's
 * number, so the connection's fd and registration never change. The endpoint owns the fd number
 * throughout. Reactor thread only, but for the resolver, which the defer threads read.
 */
final class HostConnector {
  private final Reactor reactor;
  private volatile NameResolver resolver = NameResolver.SYSTEM;

  HostConnector(Reactor reactor) {
    this.reactor = reactor;
  }

  void setResolver(NameResolver resolver) {
    this.resolver = resolver;
  }

  /** A new placeholder fd, owned by the caller. */
  int placeholder() {
    return Sockets.unixDatagram();
  }

  /** Resolves {@code name}'s host off the loop, then connects {@code endpoint} (from bind). */
  void resolve(Endpoint endpoint, InetSocketAddress name, InetSocketAddress bind) {
    String host = name.getHostString();
    NameResolver current = resolver;
    try {
      reactor.defer(() -> current.resolve(host),
          addresses -> resolved(endpoint, name, bind, addresses),
          error -> endpoint.close(unknownHost(host, error)));
    } catch (RuntimeException e) { // the defer pool is closed: the reactor is stopping
      endpoint.close(e);
    }
  }

  private void resolved(Endpoint endpoint, InetSocketAddress name, InetSocketAddress bind,
      InetAddress[] addresses) {
    if (!endpoint.open()) {
      return; // closed, or timed out, while resolving
    }
    if (addresses == null || addresses.length == 0 || addresses[0] == null) {
      endpoint.close(new UnknownHostException(name.getHostString()
          + ": the resolver returned no address"));
      return;
    }
    InetSocketAddress target = new InetSocketAddress(addresses[0], name.getPort());
    int fd;
    try {
      fd = reactor.io().sockets.startConnect(target, bind);
    } catch (RuntimeException e) {
      endpoint.close(e);
      return;
    }
    try {
      Io.duplicateOnto(fd, endpoint.fd);
    } catch (RuntimeException e) {
      endpoint.close(e);
      return;
    } finally {
      Io.close(fd);
    }
    endpoint.resolving = false;
    endpoint.updateInterest();
  }

  private static UnknownHostException unknownHost(String host, Throwable error) {
    if (error instanceof UnknownHostException) {
      return (UnknownHostException) error;
    }
    UnknownHostException wrapped = new UnknownHostException(host + ": the resolver failed: "
        + error);
    wrapped.initCause(error);
    return wrapped;
  }
}
