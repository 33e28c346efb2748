package dev.tether.reactor;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Connects to a host name without blocking the loop: the connection is registered at once under
 * a placeholder fd (an unbound AF_UNIX datagram socket, out of the poll set) so that it gets
 * postInit and can queue data; the name is resolved on the defer pool; back on the loop the real
 * socket's connect starts and {@code dup3} puts it under the placeholder's number, so the
 * connection's fd and registration never change. The endpoint owns the fd number throughout.
 * Reactor thread only, but for the resolver, which the defer threads read.
 */
final class HostConnector {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Reactor reactor;
  private final HandleTable table;
  private volatile NameResolver resolver = NameResolver.SYSTEM;

  HostConnector(Reactor reactor, HandleTable table) {
    this.reactor = reactor;
    this.table = table;
  }

  void setResolver(NameResolver resolver) {
    this.resolver = resolver;
  }

  /** {@code host} as an address if it is a literal (parsed without a lookup), else null. */
  static InetAddress literal(String host) {
    boolean v6 = host.indexOf(':') >= 0;
    if (!v6 && !IPV4.matcher(host).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // a literal: parsed, no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("host : " + host + " (expected: a valid address)", e);
    }
  }

  void connect(String host, int port, Connection connection, long timeoutNanos) {
    int placeholder = Sockets.unixDatagram();
    Endpoint endpoint;
    try {
      endpoint = new Endpoint(reactor, connection, placeholder, true, true);
      endpoint.resolving = true;
      table.register(endpoint, 0);
    } catch (RuntimeException e) {
      if (connection.endpoint != null && connection.endpoint.fd == placeholder) {
        connection.endpoint = null;
      }
      Io.close(placeholder);
      throw e;
    }
    reactor.connectionOpened();
    endpoint.pendingConnect = new PendingConnect(endpoint,
        InetSocketAddress.createUnresolved(host, port));
    endpoint.pendingConnect.arm(timeoutNanos); // postInit may set the connection's own
    reactor.callbacks().invoke(Callbacks.POST_INIT, connection, null);
    if (!endpoint.open()) {
      return;
    }
    NameResolver current = resolver;
    try {
      reactor.defer(() -> current.resolve(host),
          addresses -> resolved(endpoint, host, port, addresses),
          error -> endpoint.close(unknownHost(host, error)));
    } catch (RuntimeException e) { // the defer pool is closed: the reactor is stopping
      endpoint.close(e);
    }
  }

  private void resolved(Endpoint endpoint, String host, int port, InetAddress[] addresses) {
    if (!endpoint.open()) {
      return; // closed, or timed out, while resolving
    }
    if (addresses == null || addresses.length == 0 || addresses[0] == null) {
      endpoint.close(new UnknownHostException(host + ": the resolver returned no address"));
      return;
    }
    InetSocketAddress target = new InetSocketAddress(addresses[0], port);
    int fd;
    try {
      fd = reactor.io().sockets.startConnect(target);
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
