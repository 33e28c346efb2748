package dev.tether.reactor;

import java.nio.file.Path;

/**
 * Changes to one file, through inotify(7) (EventMachine's {@code EM::FileWatch}). Subclass it,
 * override the callbacks you need and pass it to {@link Reactor#watchFile}.
 *
 * <p><b>What is reported.</b> {@link #fileModified()} when the file's content is written (once
 * per batch of writes the kernel coalesced, not once per write); {@link #fileMoved()} when it is
 * renamed, or moved within its file system, and the watch goes on, following the file (the
 * inode), not the path, as in EventMachine; {@link #fileDeleted()} when the file itself is gone:
 * its last name removed <em>and</em> no process holding it open any more (this one included: a
 * watcher that keeps the file open hears of the delete only once it closes it), after which the
 * watch ends and {@link #unbind()} follows. A watch on a path follows its inode: a file replaced
 * by a rename over it is a different file, not watched. A directory can be watched too: a write
 * to a file in it is reported as {@link #fileModified()}.
 *
 * <p><b>Threading and order.</b> Every callback runs on the reactor thread, in the order the
 * kernel reported the events; every method here must be called on it. {@link #unbind()} runs
 * exactly once, last: after the delete, after {@link #stopWatching()}, or when the reactor stops.
 * If the kernel's event queue overflows, events are lost: the reactor logs a warning.
 *
 * <p><b>Ownership.</b> The reactor owns the one inotify fd all its watchers share (opened on the
 * first watch, closed when the reactor stops); a watcher owns no fd. A {@code FileWatcher} object
 * watches one file once; it cannot be reused.
 */
public abstract class FileWatcher {
  FileWatches watches;
  Path path;
  int wd = -1;
  boolean watching;

  /** Called when the file's content was modified. */
  protected void fileModified() {}

  /** Called when the file was renamed or moved; watching goes on. */
  protected void fileMoved() {}

  /** Called when the file is gone; {@link #unbind()} follows. */
  protected void fileDeleted() {}

  /** Called once when watching ends, for whatever reason. */
  protected void unbind() {}

  /** Stops watching; {@link #unbind()} runs before this returns. Idempotent. */
  public final void stopWatching() {
    checked().stop(this);
  }

  /** Whether the file is still watched. */
  public final boolean isWatching() {
    return watching;
  }

  /** The path given to {@link Reactor#watchFile} (the file may have moved since). */
  public final Path path() {
    checked();
    return path;
  }

  private FileWatches checked() {
    FileWatches w = watches;
    if (w == null) {
      throw new ReactorException("file watcher " + getClass().getName()
          + " is not watching (expected: from Reactor.watchFile)");
    }
    w.reactor.checkLoop();
    return w;
  }
}
