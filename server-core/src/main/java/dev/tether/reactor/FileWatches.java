package dev.tether.reactor;

import dev.tether.unix.internal.Inotify;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Poller;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * A reactor's file watches: one inotify fd, <b>owned here</b> (opened on the first watch,
 * registered for reading, closed by {@link #shutdown()} when the reactor stops), and the
 * watchers of each watch descriptor. Several watchers of one file share its descriptor: the
 * kernel gives every path of an inode the same one, so the watch is removed with the last
 * watcher. Reactor thread only.
 */
final class FileWatches extends Handle {
  /** What a watch asks for; IN_IGNORED and IN_Q_OVERFLOW come unasked. */
  private static final int MASK = Linux.IN_MODIFY | Linux.IN_MOVE_SELF | Linux.IN_DELETE_SELF;
  /** Room for many events per read; one event with the longest name takes 16 + 256 bytes. */
  private static final int BUFFER_SIZE = 16 * 1024;
  /** Reads per readiness, so a file written without pause cannot hold the loop. */
  private static final int MAX_READS = 16;

  final Reactor reactor;
  private final Map<Integer, List<FileWatcher>> byWd = new HashMap<>();
  private ByteBuffer buffer;
  private long address;

  FileWatches(Reactor reactor) {
    this.reactor = reactor;
  }

  void watch(Path path, FileWatcher watcher) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(watcher, "watcher");
    if (watcher.watches != null) {
      throw new ReactorException("file watcher " + watcher.getClass().getName()
          + " has watched a file already (expected: a new FileWatcher object per watch)");
    }
    if (fd < 0) {
      open();
    }
    int wd = Inotify.addWatch(fd, path, MASK);
    watcher.watches = this;
    watcher.path = path;
    watcher.wd = wd;
    watcher.watching = true;
    byWd.computeIfAbsent(wd, k -> new ArrayList<>(1)).add(watcher);
  }

  private void open() {
    int opened = Inotify.open();
    fd = opened;
    try {
      reactor.register(this, Poller.READ);
    } catch (RuntimeException e) {
      fd = -1;
      Io.close(opened);
      throw e;
    }
    if (buffer == null) {
      buffer = Memory.allocate(BUFFER_SIZE);
      address = Memory.address(buffer);
    }
  }

  /** Ends {@code watcher}'s watch, removing the kernel's when it was the last one; unbinds. */
  void stop(FileWatcher watcher) {
    if (!watcher.watching) {
      return;
    }
    List<FileWatcher> list = byWd.get(watcher.wd);
    if (list != null && list.remove(watcher) && list.isEmpty()) {
      byWd.remove(watcher.wd);
      // EINVAL: the kernel ended the watch already (the file was deleted). The IN_IGNORED still
      // queued finds no watcher; it cannot hit a new watch, as the kernel hands out descriptors
      // cyclically (idr_alloc_cyclic) and does not reuse this one soon.
      Inotify.removeWatch(fd, watcher.wd);
    }
    end(watcher);
  }

  private void end(FileWatcher watcher) {
    watcher.watching = false;
    reactor.callbacks().invoke(Callbacks.FILE_UNBIND, watcher, null);
  }

  @Override
  void onEvents(int events) {
    for (int reads = 0; reads < MAX_READS && fd >= 0; reads++) {
      long n = Io.read(fd, address, BUFFER_SIZE);
      if (n == -Linux.EINTR) {
        continue;
      }
      if (n <= 0) {
        return; // EAGAIN: all read (an inotify fd never reaches an end)
      }
      dispatch((int) n);
    }
  }

  /** Delivers the events of one read; the kernel never splits an event across reads. */
  private void dispatch(int n) {
    buffer.clear().limit(n);
    while (buffer.remaining() >= Linux.INOTIFY_EVENT_SIZE) {
      int start = buffer.position();
      int wd = buffer.getInt(start);
      int mask = buffer.getInt(start + 4);
      int nameLength = buffer.getInt(start + 12);
      buffer.position(Math.min(n, start + Linux.INOTIFY_EVENT_SIZE + nameLength));
      if ((mask & Linux.IN_Q_OVERFLOW) != 0) {
        LoggerFactory.getLogger(FileWatches.class).warn("reactor {}: the inotify event queue"
            + " overflowed; file events were lost", reactor);
        continue;
      }
      deliver(wd, mask);
    }
  }

  private void deliver(int wd, int mask) {
    List<FileWatcher> list = byWd.get(wd);
    if (list == null) {
      return; // a watch stopped already
    }
    // A copy: a callback may stop watchers of this descriptor, or add some.
    for (FileWatcher watcher : list.toArray(new FileWatcher[0])) {
      if ((mask & Linux.IN_MODIFY) != 0 && watcher.watching) {
        reactor.callbacks().invoke(Callbacks.FILE_MODIFIED, watcher, null);
      }
      if ((mask & Linux.IN_MOVE_SELF) != 0 && watcher.watching) {
        reactor.callbacks().invoke(Callbacks.FILE_MOVED, watcher, null);
      }
      if ((mask & Linux.IN_DELETE_SELF) != 0 && watcher.watching) {
        reactor.callbacks().invoke(Callbacks.FILE_DELETED, watcher, null);
      }
    }
    if ((mask & Linux.IN_IGNORED) != 0) {
      // The kernel ended the watch (the file was deleted, or its file system unmounted).
      List<FileWatcher> ended = byWd.remove(wd);
      if (ended != null) {
        for (FileWatcher watcher : ended) {
          end(watcher);
        }
      }
    }
  }

  /** Unbinds every watcher, then closes the inotify fd; the next watch opens a new one. */
  @Override
  void shutdown() {
    List<FileWatcher> all = new ArrayList<>();
    byWd.values().forEach(all::addAll);
    byWd.clear();
    for (FileWatcher watcher : all) {
      end(watcher);
    }
    if (fd >= 0) {
      reactor.unregister(this);
      int open = fd;
      fd = -1;
      Io.close(open);
    }
  }

  @Override
  String describe() {
    StringBuilder paths = new StringBuilder();
    byWd.values().forEach(watchers -> watchers.forEach(w -> paths.append(paths.length() == 0
        ? "" : ", ").append(w.path()).append(" (").append(w.getClass().getName()).append(')')));
    return "inotify: " + paths;
  }
}
