package dev.tether.reactor;

import dev.tether.unix.internal.Poller;

/**
 * The poll registration of one {@link Watcher}. Does not own the fd. While no notification is
 * on, the fd is kept out of the poll set, so a hang-up cannot make a level-triggered poll spin.
 */
final class WatchHandle extends Handle {
  static final int READ = Poller.READ;
  static final int WRITE = Poller.WRITE;

  final Reactor reactor;
  final Watcher watcher;
  private int interest;
  private boolean attached = true;

  WatchHandle(Reactor reactor, Watcher watcher, int fd) {
    if (watcher.handle != null) {
      throw new ReactorException("watcher " + watcher.getClass().getName()
          + " is already attached (expected: a new Watcher object per fd)");
    }
    this.reactor = reactor;
    this.watcher = watcher;
    this.fd = fd;
    watcher.handle = this;
  }

  @Override
  void onEvents(int events) {
    boolean failed = (events & (Poller.ERROR | Poller.HANGUP)) != 0;
    if ((interest & READ) != 0 && ((events & Poller.READ) != 0 || failed)) {
      reactor.callbacks().invoke(Callbacks.READABLE, watcher, null);
    } else if (failed && (interest & WRITE) != 0) {
      reactor.callbacks().invoke(Callbacks.WRITABLE, watcher, null);
      return;
    }
    if (attached && (interest & WRITE) != 0 && (events & Poller.WRITE) != 0) {
      reactor.callbacks().invoke(Callbacks.WRITABLE, watcher, null);
    }
  }

  void setInterest(int bit, boolean on) {
    if (!attached) {
      throw new ReactorException("watcher on fd " + fd + " is detached");
    }
    interest = on ? interest | bit : interest & ~bit;
    reactor.reinterest(this, interest);
  }

  boolean has(int bit) {
    return (interest & bit) != 0;
  }

  boolean attached() {
    return attached;
  }

  void detach() {
    if (!attached) {
      return;
    }
    attached = false;
    reactor.unregister(this);
    reactor.callbacks().invoke(Callbacks.WATCH_UNBIND, watcher, null);
  }

  @Override
  void shutdown() {
    detach();
  }

  @Override
  String describe() {
    return "watcher " + watcher.getClass().getName();
  }
}
