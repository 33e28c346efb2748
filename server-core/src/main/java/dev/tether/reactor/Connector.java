package dev.tether.reactor;

import dev.tether.channel.internal.Fds;
import dev.tether.unix.internal.Datagrams;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Poller;
import java.io.FileDescriptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
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
  private final HostConnector names;

  Connector(Reactor reactor, HandleTable table) {
    this.reactor = reactor;
    this.table = table;
    this.names = new HostConnector(reactor);
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

  /**
   * Starts a connect to {@code target}, from {@code bind} unless null. An unresolved target
   * whose host is a name is resolved off the loop ({@link HostConnector}); a literal one is
   * parsed here.
   */
  void connect(SocketAddress target, InetSocketAddress bind, Connection connection,
      long timeoutNanos, boolean postInit) {
    Objects.requireNonNull(connection, "connection");
    if (connection.endpoint != null) {
      // Checked before a socket exists: an fd made for a connection that is bound elsewhere
      // would only be closed again.
      throw new ReactorException("connection " + connection.getClass().getName()
          + " is already bound (expected: a new Connection object per fd)");
    }
    InetSocketAddress name = null;
    if (target instanceof InetSocketAddress && ((InetSocketAddress) target).isUnresolved()) {
      InetSocketAddress inet = (InetSocketAddress) target;
      InetAddress literal = LiteralAddress.parse(inet.getHostString());
      if (literal == null) {
        name = inet;
      } else {
        target = new InetSocketAddress(literal, inet.getPort());
      }
    }
    int fd = name != null ? names.placeholder() : reactor.io().sockets.startConnect(target, bind);
    Endpoint endpoint = adopt(fd, connection, true, true, postInit, name != null);
    if (endpoint.open()) {
      // postInit may have set the connection's own timeout already
      long nanos = endpoint.connectTimeoutNanos > 0 ? endpoint.connectTimeoutNanos : timeoutNanos;
      endpoint.pendingConnect = new PendingConnect(endpoint, target);
      endpoint.pendingConnect.arm(nanos);
      if (name != null) {
        names.resolve(endpoint, name, bind);
      }
    }
  }

  void setResolver(NameResolver resolver) {
    names.setResolver(resolver);
  }

  /**
   * Connects a closed connection again: a new endpoint (new fd, defaults for every setting),
   * without postInit. On failure the connection keeps its old, closed endpoint.
   */
  void reconnect(Connection connection, SocketAddress target) {
    Endpoint old = connection.endpoint;
    if (old.open()) {
      throw new IllegalStateException("reconnect of " + connection + " (expected: a closed"
          + " connection, e.g. from unbind)");
    }
    if (old.tls != null || connection instanceof ProcessConnection) {
      // postInit, which started TLS, does not run again: the new connection would be in clear
      throw new IllegalStateException("reconnect of " + connection + " (expected: a connection"
          + " without TLS and not a child process's; it " + (old.tls != null ? "used TLS"
          : "served a child process") + ")");
    }
    if (reactor.stopping()) {
      throw new ReactorException("reconnect of " + connection + ": reactor " + reactor
          + " is stopping (expected: a running reactor)");
    }
    connection.endpoint = null;
    try {
      connect(target, null, connection, reactor.pendingConnectNanos(), false);
    } finally {
      if (connection.endpoint == null) {
        connection.endpoint = old;
      }
    }
  }

  /** Serves listening socket {@code fd}, owned from here (closed here if a check fails). */
  Server attachServer(int fd, Supplier<? extends Connection> factory) {
    if (table.isRegistered(fd)) {
      throw new ReactorException("fd " + fd + " is already registered with " + reactor
          + " (expected: an fd the reactor does not serve yet)");
    }
    try {
      Objects.requireNonNull(factory, "factory");
      ListeningSocket.check(reactor.io().sockets, fd);
      Io.makeNonBlockingCloexec(fd);
    } catch (RuntimeException e) {
      if (fd >= 0 && Io.isOpen(fd)) {
        Io.close(fd);
      }
      throw e;
    }
    return listen(fd, factory, null);
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
    return adopt(fd, connection, connecting, socket, true, false);
  }

  /**
   * As {@link #adopt(int, Connection, boolean, boolean)}; postInit only if asked. A connection
   * {@code resolving} its peer's name holds a placeholder fd, kept out of the poll set.
   */
  Endpoint adopt(int fd, Connection connection, boolean connecting, boolean socket,
      boolean postInit, boolean resolving) {
    Endpoint endpoint;
    try {
      endpoint = new Endpoint(reactor, connection, fd, connecting, socket);
      endpoint.resolving = resolving;
      table.register(endpoint, resolving ? 0 : connecting ? Poller.WRITE : Poller.READ);
    } catch (RuntimeException e) {
      if (connection.endpoint != null && connection.endpoint.fd == fd) {
        connection.endpoint = null;
      }
      Io.close(fd);
      throw e;
    }
    reactor.connectionOpened();
    if (postInit) {
      reactor.callbacks().invoke(Callbacks.POST_INIT, connection, null);
    }
    return endpoint;
  }

  /**
   * Binds a datagram socket to {@code local} and serves it with {@code connection}; a Unix
   * socket's {@code path} is removed when it closes.
   */
  void openDatagram(SocketAddress local, Path path, DatagramConnection connection) {
    Objects.requireNonNull(connection, "connection");
    if (connection.handle != null) {
      throw new ReactorException("datagram connection " + connection.getClass().getName()
          + " is already bound (expected: a new DatagramConnection object per socket)");
    }
    int fd = Datagrams.open(local);
    try {
      table.register(new DatagramHandle(reactor, connection, fd, path), Poller.READ);
    } catch (RuntimeException e) {
      connection.handle = null;
      Io.close(fd);
      if (path != null) { // ours: the bind made it
        try {
          java.nio.file.Files.deleteIfExists(path);
        } catch (java.io.IOException notRemoved) {
          e.addSuppressed(notRemoved);
        }
      }
      throw e;
    }
    reactor.callbacks().invoke(Callbacks.DATAGRAM_POST_INIT, connection, null);
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
    source.proxyRemaining = -1;
    target.proxySource = source;
    source.updateInterest();
  }

  void stopProxy(Connection from) {
    Endpoint source = bound(from, "from");
    if (source.proxyTarget != null) {
      source.proxyTarget.proxySource = null;
      source.proxyTarget = null;
      source.proxyRemaining = -1;
      source.updateInterest();
    }
  }

  /**
   * Relays {@code buffer} from {@code source} up to its proxyRemaining bytes (a proxy with a
   * length); at the limit the relay ends, proxyCompleted runs, then the rest goes to receiveData.
   */
  void relayLimited(Endpoint source, ByteBuffer buffer) {
    int n = (int) Math.min(buffer.remaining(), source.proxyRemaining);
    int end = buffer.limit();
    int relayedEnd = buffer.position() + n;
    buffer.limit(relayedEnd);
    source.proxyTarget.send(buffer); // on a closing target it drops, not consumes: position below
    buffer.limit(end).position(relayedEnd);
    source.proxyRemaining -= n;
    if (source.proxyRemaining == 0) {
      stopProxy(source.connection);
      reactor.callbacks().invoke(Callbacks.PROXY_COMPLETED, source.connection, null);
      if (buffer.hasRemaining() && source.open()) {
        reactor.callbacks().invoke(Callbacks.RECEIVE, source.connection, buffer);
      }
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
