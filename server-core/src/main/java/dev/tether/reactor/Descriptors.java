package dev.tether.reactor;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds {@link Reactor#descriptors()}: what each fd of a reactor is, in words. Reactor thread
 * only.
 */
final class Descriptors {
  private Descriptors() {}

  static SortedMap<Integer, String> snapshot(HandleTable table, int wakeFd) {
    TreeMap<Integer, String> map = new TreeMap<>();
    if (table.poller() != null) {
      map.put(table.poller().fd(), "epoll (the reactor's poll set)");
    }
    table.forEach(h -> map.put(h.fd, h.fd == wakeFd ? "eventfd (the reactor's wake-up)"
        : describe(h)));
    return Collections.unmodifiableSortedMap(map);
  }

  private static String describe(Handle h) {
    if (h instanceof Endpoint) {
      Endpoint e = (Endpoint) h;
      String state = e.resolving ? "resolving" : e.open() ? "open" : "closed";
      SocketAddress peer = e.resolving ? null : e.peerAddress();
      return "connection " + e.connection.getClass().getName() + " " + state
          + (peer == null ? "" : " " + peer);
    }
    if (h instanceof Listener) {
      return "listener " + ((Listener) h).localAddress;
    }
    if (h instanceof WatchHandle) {
      return "watcher " + ((WatchHandle) h).watcher.getClass().getName();
    }
    return h.getClass().getSimpleName();
  }
}
