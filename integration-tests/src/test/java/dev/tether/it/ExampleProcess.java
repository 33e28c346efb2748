package dev.tether.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An example's main class running as its own JVM (this JVM's java and class path), with its
 * stdout and stderr each collected by a daemon thread, both as exact text and as lines. Stdin is
 * closed at start. {@link #close()} kills the process if it still runs, so a test that uses it in
 * try-with-resources or an {@code @AfterAll} never leaks it.
 */
final class ExampleProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Output stdout;
  private final Output stderr;

  private ExampleProcess(String name, Process process) throws IOException {
    this.name = name;
    this.process = process;
    process.getOutputStream().close();
    stdout = new Output(name, process.getInputStream());
    stderr = new Output(name + " stderr", process.getErrorStream());
  }

  /** Starts {@code mainClass} with {@code args} in this JVM's working directory. */
  static ExampleProcess start(Class<?> mainClass, String... args) throws IOException {
    return start(null, List.of(), mainClass, args);
  }

  /** Starts {@code mainClass} with {@code args} in {@code directory} (null: this JVM's). */
  static ExampleProcess start(Path directory, Class<?> mainClass, String... args)
      throws IOException {
    return start(directory, List.of(), mainClass, args);
  }

  /** As {@link #start(Class, String...)}, in a JVM with {@link Workers#QUICK_JVM} options. */
  static ExampleProcess startQuick(Class<?> mainClass, String... args) throws IOException {
    return start(null, List.of(Workers.QUICK_JVM), mainClass, args);
  }

  private static ExampleProcess start(Path directory, List<String> jvmOptions,
      Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(HelloIT.javaExecutable(), "-cp",
        System.getProperty("java.class.path")));
    command.addAll(jvmOptions);
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    return new ExampleProcess(mainClass.getSimpleName(), builder.start());
  }

  /** The process itself (its pid, its children); it stays owned by this object. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  Output stdout() {
    return stdout;
  }

  Output stderr() {
    return stderr;
  }

  /** Every line so far, stdout's then stderr's (for "no exception anywhere" checks). */
  List<String> lines() {
    List<String> all = new ArrayList<>(stdout.lines());
    all.addAll(stderr.lines());
    return all;
  }

  /** Everything printed so far, stdout's text then stderr's. */
  String output() {
    return stdout.text() + stderr.text();
  }

  /**
   * Waits up to {@code timeout} for the process to exit (failing the test otherwise), then for
   * both outputs to be read to their end; returns the exit status.
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s: "
          + output());
    }
    Duration rest = Duration.ofSeconds(10); // a grandchild holding a pipe must not hang a test
    Workers.await(() -> stdout.ended() && stderr.ended(), rest,
        () -> name + "'s output still open after its exit");
    return process.exitValue();
  }

  /** Sends SIGTERM, then {@link #awaitExit}s. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  /**
   * Sends SIGTERM and checks what every example promises then: exit status 143 (128 + 15) within
   * 30 s, and no exception printed on the way.
   */
  void assertStopsCleanlyOnSigterm() throws InterruptedException {
    org.junit.jupiter.api.Assertions.assertEquals(143, terminate(Duration.ofSeconds(30)),
        "exit status after SIGTERM (128 + 15)");
    org.junit.jupiter.api.Assertions.assertTrue(
        lines().stream().noneMatch(l -> l.contains("Exception")), lines().toString());
  }

  /** Kills the process (SIGKILL) if it still runs and waits up to 10 s for its end. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** One output stream of the process, read to its end by a daemon thread. */
  static final class Output {
    /** Echoed to this JVM's stderr (so reports show them) up to this many lines. */
    private static final int ECHOED = 1000;

    private final String name;
    private final StringBuilder text = new StringBuilder();
    private final List<String> lines = new ArrayList<>();
    private int lineStart;
    private boolean ended;

    Output(String name, InputStream in) {
      this.name = name;
      Thread reader = new Thread(() -> read(in), name + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    private void read(InputStream in) {
      char[] buffer = new char[8192];
      try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        for (int n = r.read(buffer); n >= 0; n = r.read(buffer)) {
          append(buffer, n);
        }
      } catch (IOException e) {
        synchronized (this) {
          addLine("reading failed: " + e);
        }
      } finally {
        end();
      }
    }

    private synchronized void append(char[] chars, int n) {
      text.append(chars, 0, n);
      for (int i = text.length() - n; i < text.length(); i++) {
        if (text.charAt(i) == '\n') {
          addLine(text.substring(lineStart, i));
          lineStart = i + 1;
        }
      }
    }

    private synchronized void end() {
      if (lineStart < text.length()) {
        addLine(text.substring(lineStart));
        lineStart = text.length();
      }
      ended = true;
    }

    private void addLine(String line) {
      String withoutCr = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      lines.add(withoutCr);
      if (lines.size() <= ECHOED) {
        System.err.println(name + ": " + withoutCr);
      } else if (lines.size() == ECHOED + 1) {
        System.err.println(name + ": (further lines not echoed)");
      }
    }

    /** The complete lines so far (and the last one once the stream ended), without '\n'. */
    synchronized List<String> lines() {
      return List.copyOf(lines);
    }

    /** Everything read so far, exactly. */
    synchronized String text() {
      return text.toString();
    }

    synchronized boolean ended() {
      return ended;
    }

    /**
     * Waits up to {@code timeout} for a line matching {@code wanted} and returns the first; fails
     * the test if the stream ends or the time passes without one.
     */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
      Workers.await(() -> first(wanted).isPresent() || ended(), timeout,
          () -> "a line wanted from " + name + " (has " + lines() + ")");
      return first(wanted).orElseThrow(
          () -> new AssertionError(name + " ended without the wanted line: " + lines()));
    }

    private synchronized Optional<String> first(Predicate<String> wanted) {
      return lines.stream().filter(wanted).findFirst();
    }

    @Override
    public synchronized String toString() {
      return lines.toString();
    }
  }
}
