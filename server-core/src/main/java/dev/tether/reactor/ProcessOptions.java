package dev.tether.reactor;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Reactor#popen} and {@link Reactor#system} start a child: where its stderr goes, its
 * environment, its working directory, and how much output {@code system} collects. Immutable;
 * each {@code with} method returns a changed copy. Any thread.
 */
public final class ProcessOptions {
  /** Default {@link #outputLimit()}: 16 MiB. */
  public static final int DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024;
  /** Largest {@link #outputLimit()}: the largest Java array. */
  public static final int MAX_OUTPUT_LIMIT = Integer.MAX_VALUE - 8;

  private static final ProcessOptions DEFAULTS =
      new ProcessOptions(Stderr.INHERIT, null, null, DEFAULT_OUTPUT_LIMIT);

  /** Where the child's stderr (fd 2) goes. */
  public enum Stderr {
    /** The child writes to this process's stderr (EventMachine's popen). */
    INHERIT,
    /** Into the connection, with stdout (EventMachine's system; a shell's {@code 2>&1}). */
    MERGE,
    /** Into a pipe of its own, delivered to {@link ProcessConnection#receiveStderr}. */
    SEPARATE
  }

  private final Stderr stderr;
  private final Map<String, String> environment;
  private final Path directory;
  private final int outputLimit;

  private ProcessOptions(Stderr stderr, Map<String, String> environment, Path directory,
      int outputLimit) {
    this.stderr = stderr;
    this.environment = environment;
    this.directory = directory;
    this.outputLimit = outputLimit;
  }

  /** stderr inherited, this process's environment and directory, a 16 MiB output limit. */
  public static ProcessOptions defaults() {
    return DEFAULTS;
  }

  /** A copy with stderr going to {@code stderr}. */
  public ProcessOptions withStderr(Stderr stderr) {
    return new ProcessOptions(Objects.requireNonNull(stderr, "stderr"), environment, directory,
        outputLimit);
  }

  /** A copy whose child gets exactly {@code environment} (copied), nothing inherited. */
  public ProcessOptions withEnvironment(Map<String, String> environment) {
    return new ProcessOptions(stderr, Map.copyOf(environment), directory, outputLimit);
  }

  /** A copy whose child starts in {@code directory}. */
  public ProcessOptions withDirectory(Path directory) {
    return new ProcessOptions(stderr, environment, Objects.requireNonNull(directory, "directory"),
        outputLimit);
  }

  /**
   * A copy whose {@link Reactor#system} keeps at most {@code bytes} of output (0..{@value
   * #MAX_OUTPUT_LIMIT}); popen ignores it.
   *
   * @throws IllegalArgumentException if {@code bytes} is out of range
   */
  public ProcessOptions withOutputLimit(int bytes) {
    if (bytes < 0 || bytes > MAX_OUTPUT_LIMIT) {
      throw new IllegalArgumentException("outputLimit : " + bytes + " (expected: 0.."
          + MAX_OUTPUT_LIMIT + ")");
    }
    return new ProcessOptions(stderr, environment, directory, bytes);
  }

  /** Where the child's stderr goes. */
  public Stderr stderr() {
    return stderr;
  }

  /** The child's environment: the one given, or this process's ({@link System#getenv()}). */
  public Map<String, String> environment() {
    return environment != null ? environment : System.getenv();
  }

  /** The child's working directory, or null for this process's. */
  public Path directory() {
    return directory;
  }

  /** How many bytes of output {@link Reactor#system} keeps. */
  public int outputLimit() {
    return outputLimit;
  }

  @Override
  public String toString() {
    return "ProcessOptions[stderr=" + stderr + ", environment="
        + (environment == null ? "inherited" : environment.size() + " variables")
        + ", directory=" + (directory == null ? "inherited" : directory)
        + ", outputLimit=" + outputLimit + "]";
  }
}
