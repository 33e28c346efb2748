package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileWatcherTest {
  @TempDir
  Path dir;

  /** Records its callbacks, and the reactor thread it ran on. */
  static class Recorder extends FileWatcher {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile String thread;

    @Override
    protected void fileModified() {
      record("modified");
    }

    @Override
    protected void fileMoved() {
      record("moved");
    }

    @Override
    protected void fileDeleted() {
      record("deleted");
    }

    @Override
    protected void unbind() {
      record("unbind");
    }

    private void record(String event) {
      thread = Thread.currentThread().getName();
      events.add(event);
    }

    boolean saw(String event) {
      return events.contains(event);
    }
  }

  private Path file(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "first line\n");
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  @Test
  void anAppendIsReportedAsModifiedOnTheReactorThread() throws Exception {
    Path file = file("log");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder w = runner.call(() -> runner.reactor.watchFile(file, new Recorder()));
      assertEquals(file, runner.call(w::path));
      append(file, "more\n");
      ReactorRunner.waitFor("modified", () -> w.saw("modified"));
      assertEquals("test-reactor", w.thread);
      assertTrue(runner.call(w::isWatching));
    }
  }

  @Test
  void aRenameIsReportedAsMovedAndTheWatchFollowsTheFile() throws Exception {
    Path file = file("log");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder w = runner.call(() -> runner.reactor.watchFile(file, new Recorder()));
      Path moved = Files.move(file, dir.resolve("log.1"));
      ReactorRunner.waitFor("moved", () -> w.saw("moved"));
      assertTrue(runner.call(w::isWatching));
      append(moved, "written after the move\n");
      ReactorRunner.waitFor("modified after the move", () -> w.saw("modified"));
      assertEquals(List.of("moved", "modified"), w.events);
    }
  }

  @Test
  void anUnlinkIsReportedAsDeletedThenTheWatchEnds() throws Exception {
    Path file = file("log");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder w = runner.call(() -> runner.reactor.watchFile(file, new Recorder()));
      Files.delete(file);
      ReactorRunner.waitFor("unbind", () -> w.saw("unbind"));
      assertEquals(List.of("deleted", "unbind"), w.events);
      assertFalse(runner.call(w::isWatching));
      runner.run(w::stopWatching); // idempotent: no second unbind
      assertEquals(List.of("deleted", "unbind"), w.events);
    }
  }

  @Test
  void stopWatchingUnbindsAtOnceAndLaterChangesGoOnlyToTheOtherWatcher() throws Exception {
    Path file = file("log");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder stopped = runner.call(() -> runner.reactor.watchFile(file, new Recorder()));
      Recorder still = runner.call(() -> runner.reactor.watchFile(file, new Recorder()));
      runner.run(stopped::stopWatching);
      assertEquals(List.of("unbind"), stopped.events);
      // Both share the kernel's watch descriptor: it must outlive the first watcher.
      append(file, "more\n");
      ReactorRunner.waitFor("the other watcher's modified", () -> still.saw("modified"));
      // The same read delivered the event to every watcher of the file: none came to it.
      assertEquals(List.of("unbind"), stopped.events);
      runner.run(still::stopWatching);
      assertEquals(List.of("modified", "unbind"), still.events);
      assertThrows(ReactorException.class, () -> runner.reactor.watchFile(file, still));
    }
  }

  @Test
  void twoFilesAreWatchedApart() throws Exception {
    Path a = file("a");
    Path b = file("b");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder wa = runner.call(() -> runner.reactor.watchFile(a, new Recorder()));
      Recorder wb = runner.call(() -> runner.reactor.watchFile(b, new Recorder()));
      Files.delete(b);
      ReactorRunner.waitFor("b's unbind", () -> wb.saw("unbind"));
      append(a, "x");
      ReactorRunner.waitFor("a modified", () -> wa.saw("modified"));
      assertEquals(List.of("modified"), wa.events);
      assertEquals(List.of("deleted", "unbind"), wb.events);
    }
  }

  @Test
  void aMissingPathFailsNamingIt() throws Exception {
    Path missing = dir.resolve("no-such-file");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder w = new Recorder();
      NativeCallException e = assertThrows(NativeCallException.class,
          () -> runner.call(() -> runner.reactor.watchFile(missing, w)));
      assertEquals(Linux.ENOENT, e.errno());
      assertEquals("inotify_add_watch(" + missing + ") failed with error(2): No such file or"
          + " directory", e.getMessage());
      assertFalse(w.isWatching());
      assertThrows(ReactorException.class, () -> runner.reactor.watchFile(missing, w),
          "off the reactor thread");
    }
  }

  @Test
  void theInotifyFdIsOpenedOnceAndClosedAtStopAfterEveryUnbind() throws Exception {
    Path a = file("a");
    Path b = file("b");
    ReactorRunner.warmUp();
    long before = inotifyFds();
    ReactorRunner runner = new ReactorRunner();
    Recorder wa = runner.call(() -> runner.reactor.watchFile(a, new Recorder()));
    Recorder wb = runner.call(() -> runner.reactor.watchFile(b, new Recorder()));
    assertEquals(before + 1, inotifyFds(), "one inotify fd for both watchers");
    runner.stop();
    assertEquals(List.of("unbind"), wa.events);
    assertEquals(List.of("unbind"), wb.events);
    assertEquals(before, inotifyFds());
    // A second run opens a new one.
    try (ReactorRunner again = new ReactorRunner(runner.reactor)) {
      Recorder w = again.call(() -> again.reactor.watchFile(a, new Recorder()));
      append(a, "x");
      ReactorRunner.waitFor("modified in the second run", () -> w.saw("modified"));
    }
    assertEquals(before, inotifyFds());
  }

  @Test
  void aCallbackThatThrowsGoesToTheErrorHandlerAndWatchingGoesOn() throws Exception {
    Path file = file("log");
    List<String> failures = new CopyOnWriteArrayList<>();
    Reactor reactor = new Reactor("test");
    reactor.setErrorHandler((error, callback) -> failures.add(callback + ": "
        + error.getMessage()));
    try (ReactorRunner runner = new ReactorRunner(reactor)) {
      Recorder thrower = new Recorder() {
        @Override
        protected void fileModified() {
          super.fileModified();
          throw new IllegalStateException("boom");
        }
      };
      runner.call(() -> reactor.watchFile(file, thrower));
      append(file, "1");
      ReactorRunner.waitFor("the failure", () -> !failures.isEmpty());
      assertTrue(failures.get(0).endsWith(".fileModified: boom"), failures.toString());
      Files.delete(file);
      ReactorRunner.waitFor("unbind", () -> thrower.saw("unbind"));
    }
  }

  private static long inotifyFds() {
    return OpenFds.snapshot().values().stream().filter("anon_inode:inotify"::equals).count();
  }
}
