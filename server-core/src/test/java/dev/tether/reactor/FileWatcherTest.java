package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * A watched directory reports writes to its files with their names in the events (16 bytes
   * plus a padded name each): reading past the names right is what keeps the next event whole.
   */
  @Test
  void eventsWithNamesOfEveryLengthAreParsed() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.writeString(sub.resolve("a"), "");
    Files.writeString(sub.resolve("b".repeat(200)), "");
    try (ReactorRunner runner = new ReactorRunner()) {
      Recorder w = runner.call(() -> runner.reactor.watchFile(sub, new Recorder()));
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch hold = new CountDownLatch(1);
      runner.reactor.schedule(() -> {
        holding.countDown();
        ReactorRunner.await(hold);
      });
      ReactorRunner.await(holding); // so that one read gets all
      append(sub.resolve("a"), "1");
      append(sub.resolve("b".repeat(200)), "2");
      append(sub.resolve("a"), "3");
      Files.move(sub, dir.resolve("sub.1"));
      hold.countDown();
      ReactorRunner.waitFor("moved", () -> w.saw("moved"));
      assertEquals(List.of("modified", "modified", "modified", "moved"), w.events);
    }
  }

  /**
   * More events than the kernel queues ({@code max_queued_events}) while the loop is held. The
   * kernel merges an event equal to the last one queued, so writes alternate between two files.
   */
  @Test
  void anOverflowedEventQueueIsLoggedAndWatchingGoesOn() throws Exception {
    Path a = file("a");
    Path b = file("b");
    int limit = maxQueuedEvents();
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    AtomicInteger modified = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner()) {
      List<FileWatcher> watchers = runner.call(() -> List.of(a, b).stream()
          .map(file -> runner.reactor.watchFile(file, new FileWatcher() {
            @Override
            protected void fileModified() {
              modified.incrementAndGet();
            }
          })).collect(java.util.stream.Collectors.toList()));
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch hold = new CountDownLatch(1);
      runner.reactor.schedule(() -> {
        holding.countDown();
        ReactorRunner.await(hold);
      });
      ReactorRunner.await(holding); // the loop reads nothing from here on
      try (FileChannel ca = FileChannel.open(a, StandardOpenOption.APPEND);
          FileChannel cb = FileChannel.open(b, StandardOpenOption.APPEND)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int i = 0; i < limit / 2 + 100; i++) {
          ca.write(one.clear());
          cb.write(one.clear());
        }
      }
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple's output
      try {
        hold.countDown();
        ReactorRunner.waitFor("the overflow logged", () -> log.toString(StandardCharsets.UTF_8)
            .contains("the inotify event queue overflowed; file events were lost"));
      } finally {
        System.setErr(stderr);
      }
      assertEquals(limit, modified.get(), "the events queued before the overflow");
      append(a, "after");
      ReactorRunner.waitFor("modified after the overflow", () -> modified.get() == limit + 1);
      for (FileWatcher w : watchers) {
        assertTrue(runner.call(w::isWatching));
      }
    }
  }

  /**
   * The sysctl, read in one read(2): a sysctl file answers a read at an offset other than 0 with
   * end of file, and {@code Files.readString} reads it one byte first ("1" for 16384).
   */
  private static int maxQueuedEvents() throws IOException {
    try (InputStream in = Files.newInputStream(
        Path.of("/proc/sys/fs/inotify/max_queued_events"))) {
      byte[] text = new byte[32];
      int n = in.read(text);
      return Integer.parseInt(new String(text, 0, n, StandardCharsets.US_ASCII).trim());
    }
  }

  private static long inotifyFds() {
    return OpenFds.snapshot().values().stream().filter("anon_inode:inotify"::equals).count();
  }
}
