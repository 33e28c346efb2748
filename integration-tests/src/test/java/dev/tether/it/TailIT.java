package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.tail.Tail;
import dev.tether.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Tail example as its own JVM on a real file: appends, then a rename or a delete. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TailIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  /** A running Tail and its output, line by line. */
  static final class Running implements AutoCloseable {
    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final List<String> err = new CopyOnWriteArrayList<>();

    Running(Path file) throws IOException {
      process = new ProcessBuilder(HelloIT.javaExecutable(), "-cp",
          System.getProperty("java.class.path"), Tail.class.getName(), file.toString()).start();
      pump(process.getInputStream(), out, "tail-out");
      pump(process.getErrorStream(), err, "tail-err");
    }

    private static void pump(InputStream in, List<String> lines, String name) {
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            System.err.println(name + ": " + line);
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("reading failed: " + e);
        }
      }, name);
      t.setDaemon(true);
      t.start();
    }

    void awaitOut(List<String> expected) {
      Await.until("Tail's stdout " + expected + " (has " + out + ")", DEADLINE,
          () -> out.equals(expected));
    }

    int awaitExit() throws InterruptedException {
      assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "Tail did not exit");
      return process.exitValue();
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        try {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  private Running started(Path file) throws IOException {
    Running tail = new Running(file);
    Await.until("Tail watching (stderr " + tail.err + ")", Workers.JVM_START,
        () -> tail.err.contains("tail: watching " + file));
    return tail;
  }

  @Test
  void appendedLinesArePrintedThenARenamePrintsMovedAndExitsZero() throws Exception {
    Path file = Files.writeString(dir.resolve("app.log"), "there before\n");
    try (Running tail = started(file)) {
      append(file, "one\ntwo\n");
      tail.awaitOut(List.of("one", "two"));
      append(file, "par"); // a partial line waits for its newline
      append(file, "tial\nthree\n");
      tail.awaitOut(List.of("one", "two", "partial", "three"));
      Files.move(file, dir.resolve("app.log.1"));
      assertEquals(0, tail.awaitExit());
      tail.awaitOut(List.of("one", "two", "partial", "three", "moved"));
    }
  }

  @Test
  void aDeletePrintsDeletedAndExitsZero() throws Exception {
    Path file = Files.writeString(dir.resolve("app.log"), "");
    try (Running tail = started(file)) {
      append(file, "only line\n");
      tail.awaitOut(List.of("only line"));
      Files.delete(file);
      assertEquals(0, tail.awaitExit());
      tail.awaitOut(List.of("only line", "deleted"));
    }
  }

  @Test
  void aMissingFileExitsTwoNamingIt() throws Exception {
    Path missing = dir.resolve("missing.log");
    try (Running tail = new Running(missing)) {
      assertEquals(2, tail.awaitExit());
      Await.until("the reason on stderr (has " + tail.err + ")", DEADLINE,
          () -> tail.err.contains("tail: inotify_add_watch(" + missing + ") failed with"
              + " error(2): No such file or directory"));
    }
  }
}
