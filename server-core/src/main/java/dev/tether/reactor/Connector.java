package dev.tether.reactor;

import dev.tether.channel.internal.Fds;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Poller;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How fds become connections and servers: listening, connecting, adopting fds from elsewhere,
 * and linking proxies. Every fd it gets is owned from that moment: on any failure it is closed
 * before the exception leaves. Reactor thread only (the public methods on {@link Reactor} check).
 */
final class Connector {
  private static final int BACKLOG = 1024;

  private final Reactor reactor;
  private final HandleTable table;

  Connector(Reactor reactor, HandleTable table) {
    this.reactor = reactor;
    this.table = table;
  }

  Server listenTcp(String host, int port, Supplier<? extends Connection> factory) {
    Objects.requireNonNull(factory, "factory");
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("host : " + host + " (expected: a resolvable address)");
    }
    return listen(reactor.io().sockets.listenTcp(address, BACKLOG), factory, null);
  }

  Server listenUnix(Path path, Supplier<? extends Connection> factory) {
    Objects.requireNonNull(factory, "factory");
    return listen(reactor.io().sockets.listenUnix(path, BACKLOG), factory, path);
  }

  private Server listen(int fd, Supplier<? extends Connection> factory, Path path) {
    Listener listener;
    try {
      listener = new Listener(reactor, fd, factory, path);
      table.register(listener, Poller.READ);
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
    return new Server(listener);
  }

  void connect(SocketAddress target, Connection connection, long timeoutNanos) {
    Objects.requireNonNull(connection, "connection");
    if (target instanceof InetSocketAddress && ((InetSocketAddress) target).isUnresolved()) {
      throw new IllegalArgumentException("target : " + target + " (expected: a resolved address)");
    }
    int fd = reactor.io().sockets.startConnect(target);
    Endpoint endpoint = adopt(fd, connection, true, true);
    if (endpoint.open()) {
      endpoint.connectTimer = reactor.timers().add(reactor,
          () -> endpoint.close(new ConnectionTimeoutException("connect to " + target
              + " did not complete within " + timeoutNanos / 1_000_000 + " ms")), timeoutNanos, 0);
    }
  }

  void attach(int fd, Connection connection) {
    if (table.isRegistered(fd)) {
      // Not ours to close: it already serves something in this reactor.
      throw new ReactorException("fd " + fd + " is already registered with " + reactor
          + " (expected: an fd the reactor does not serve yet)");
    }
    boolean socket;
    try {
      Objects.requireNonNull(connection, "connection");
      Io.makeNonBlockingCloexec(fd);
      socket = reactor.io().sockets.isSocket(fd);
      if (socket) {
        reactor.io().sockets.noDelay(fd);
      }
    } catch (RuntimeException e) {
      Io.close(fd);
      throw e;
    }
    adopt(fd, connection, false, socket);
  }

  /** Registers a connection's fd (owned from here) and runs postInit. */
  Endpoint adopt(int fd, Connection connection, boolean connecting, boolean socket) {
    Endpoint endpoint;
    try {
      endpoint = new Endpoint(reactor, connection, fd, connecting, socket);
      table.register(endpoint, connecting ? Poller.WRITE : Poller.READ);
    } catch (RuntimeException e) {
      if (connection.endpoint != null && connection.endpoint.fd == fd) {
        connection.endpoint = null;
      }
      Io.close(fd);
      throw e;
    }
    reactor.connectionOpened();
    reactor.callbacks().invoke(Callbacks.POST_INIT, connection, null);
    return endpoint;
  }

  void proxy(Connection from, Connection to) {
    Endpoint source = bound(from, "from");
    Endpoint target = bound(to, "to");
    if (source == target || source.proxyTarget != null || target.proxySource != null) {
      throw new ReactorException("proxy " + from + " -> " + to
          + " (expected: two distinct connections not already in a proxy in that role)");
    }
    if (!source.open() || !target.open()) {
      throw new ReactorException("proxy " + from + " -> " + to + ": a connection is closed");
    }
    source.proxyTarget = target;
    target.proxySource = source;
    source.updateInterest();
  }

  void stopProxy(Connection from) {
    Endpoint source = bound(from, "from");
    if (source.proxyTarget != null) {
      source.proxyTarget.proxySource = null;
      source.proxyTarget = null;
      source.updateInterest();
    }
  }

  private Endpoint bound(Connection c, String what) {
    Objects.requireNonNull(c, what);
    Endpoint e = c.endpoint;
    if (e == null || e.reactor != reactor) {
      throw new ReactorException(what + " : " + c + " (expected: a connection of this reactor)");
    }
    return e;
  }

  static int fdNumber(FileDescriptor fd) {
    Objects.requireNonNull(fd, "fd");
    int number = Fds.number(fd);
    if (number < 0) {
      throw new IllegalArgumentException("fd : " + number + " (expected: a valid descriptor)");
    }
    return number;
  }
}
