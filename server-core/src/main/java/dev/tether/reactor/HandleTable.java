package dev.tether.reactor;

import dev.tether.unix.internal.Poller;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reactor's fds: an array indexed by fd number, kept in step with the poller's interest set.
 * Each registration gets a token (generation &lt;&lt; 32 | fd), so an event queued for an fd that
 * was closed and reused within the same turn is recognised and dropped. Reactor thread only.
 */
final class HandleTable {

  private final String name;
  private Poller poller;
  private Handle[] handles = new Handle[0];
  private int generation;

  HandleTable(String name) {
    this.name = name;
  }

  void open(Poller poller) {
    this.poller = poller;
    this.handles = new Handle[64];
  }

  /** Forgets every handle and closes the poller (handles must be closed already). */
  void close() {
    if (poller != null) {
      poller.close();
      poller = null;
    }
    handles = new Handle[0];
  }

  Poller poller() {
    return poller;
  }

  boolean isRegistered(int fd) {
    return fd >= 0 && fd < handles.length && handles[fd] != null;
  }

  /** Adds {@code h} under its fd; an interest of 0 keeps it out of the poll set for now. */
  void register(Handle h, int interest) {
    int fd = h.fd;
    if (fd < 0) {
      throw new IllegalArgumentException("fd : " + fd + " (expected: >= 0)");
    }
    if (fd >= handles.length) {
      handles = Arrays.copyOf(handles, Math.max(fd + 1, handles.length * 2));
    }
    if (handles[fd] != null) {
      throw new ReactorException("fd " + fd + " is already registered with reactor " + name);
    }
    h.token = ((long) ++generation << 32) | (fd & 0xffffffffL);
    h.registered = -1;
    if (interest != 0) {
      poller.add(fd, interest, h.token);
      h.registered = interest;
    }
    handles[fd] = h;
  }

  /** Changes the poll interest; 0 takes the fd out of the poll set (no hang-up spin). */
  void reinterest(Handle h, int interest) {
    if (interest == 0) {
      if (h.registered >= 0) {
        poller.remove(h.fd);
        h.registered = -1;
      }
    } else if (h.registered < 0) {
      poller.add(h.fd, interest, h.token);
      h.registered = interest;
    } else if (h.registered != interest) {
      poller.modify(h.fd, interest, h.token);
      h.registered = interest;
    }
  }

  /** Takes {@code h} out of the poll set and the table; call before closing its fd. */
  void unregister(Handle h) {
    if (h.registered >= 0) {
      poller.remove(h.fd);
      h.registered = -1;
    }
    if (h.fd >= 0 && h.fd < handles.length && handles[h.fd] == h) {
      handles[h.fd] = null;
    }
  }

  /** Delivers one poll event to its handle, unless the event is stale. */
  void dispatch(long token, int events) {
    int fd = (int) token;
    if (fd < 0 || fd >= handles.length) {
      return;
    }
    Handle h = handles[fd];
    if (h == null || h.token != token) {
      return; // for an fd closed earlier in this turn
    }
    try {
      h.onEvents(events);
    } catch (RuntimeException e) {
      log().error("reactor {}: handling events {} of fd {} failed; closing it", name, events, fd,
          e);
      h.shutdown();
    }
  }

  /**
   * Shuts every handle down except the one on {@code keepFd}, repeating for ones added meanwhile.
   */
  void shutdownAll(int keepFd) {
    for (int pass = 0; pass < 3; pass++) {
      boolean any = false;
      Handle[] all = handles;
      for (int fd = 0; fd < all.length; fd++) {
        Handle h = all[fd];
        if (h != null && fd != keepFd) {
          any = true;
          h.shutdown();
          if (handles.length > fd && handles[fd] == h) {
            unregister(h); // a handle whose shutdown failed half-way
          }
        }
      }
      if (!any) {
        return;
      }
    }
  }

  /** Every fd in the table and the poller's own, each with what it is ({@code describe}). */
  SortedMap<Integer, String> describeAll() {
    TreeMap<Integer, String> map = new TreeMap<>();
    if (poller != null) {
      map.put(poller.fd(), "epoll (the reactor's poll set)");
    }
    for (Handle h : handles) {
      if (h != null) {
        map.put(h.fd, h.describe());
      }
    }
    return Collections.unmodifiableSortedMap(map);
  }

  /** Looked up when needed, not in a static field: a worker's start must not wait for logging. */
  private static Logger log() {
    return LoggerFactory.getLogger(HandleTable.class);
  }
}
