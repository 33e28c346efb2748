package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.tail.Tail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Tail example as its own JVM on a real file: appends, then a rename or a delete. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TailIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  private static ExampleProcess started(Path file) throws Exception {
    ExampleProcess tail = ExampleProcess.start(Tail.class, file.toString());
    tail.stderr().awaitLine(("tail: watching " + file)::equals, Workers.JVM_START);
    return tail;
  }

  private static void awaitOut(ExampleProcess tail, List<String> expected)
      throws InterruptedException {
    Workers.await(() -> tail.stdout().lines().equals(expected), DEADLINE,
        () -> "Tail's stdout " + expected + " (has " + tail.stdout() + ")");
  }

  @Test
  void appendedLinesArePrintedThenARenamePrintsMovedAndExitsZero() throws Exception {
    Path file = Files.writeString(dir.resolve("app.log"), "there before\n");
    try (ExampleProcess tail = started(file)) {
      append(file, "one\ntwo\n");
      awaitOut(tail, List.of("one", "two"));
      append(file, "par"); // a partial line waits for its newline
      append(file, "tial\nthree\n");
      awaitOut(tail, List.of("one", "two", "partial", "three"));
      Files.move(file, dir.resolve("app.log.1"));
      assertEquals(0, tail.awaitExit(DEADLINE));
      awaitOut(tail, List.of("one", "two", "partial", "three", "moved"));
    }
  }

  @Test
  void aDeletePrintsDeletedAndExitsZero() throws Exception {
    Path file = Files.writeString(dir.resolve("app.log"), "");
    try (ExampleProcess tail = started(file)) {
      append(file, "only line\n");
      awaitOut(tail, List.of("only line"));
      Files.delete(file);
      assertEquals(0, tail.awaitExit(DEADLINE));
      awaitOut(tail, List.of("only line", "deleted"));
    }
  }

  @Test
  void aMissingFileExitsTwoNamingIt() throws Exception {
    Path missing = dir.resolve("missing.log");
    try (ExampleProcess tail = ExampleProcess.start(Tail.class, missing.toString())) {
      assertEquals(2, tail.awaitExit(DEADLINE));
      String reason = "tail: inotify_add_watch(" + missing + ") failed with"
          + " error(2): No such file or directory";
      assertTrue(tail.stderr().lines().contains(reason), "the reason on stderr (has "
          + tail.stderr() + ")");
    }
  }
}
