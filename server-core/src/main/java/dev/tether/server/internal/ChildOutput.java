package dev.tether.server.internal;

import java.util.Objects;
import java.util.function.Consumer;

/** What happens to a child's stdout or stderr. */
public sealed interface ChildOutput {

  /** The child writes straight to the supervisor's own stream (same open file); the default. */
  static ChildOutput inherit() {
    return Inherit.INSTANCE;
  }

  /**
   * The child writes into a pipe; a daemon thread reads it and passes each line, prefixed with
   * {@code "[pid] "} and without its line terminator, to {@code sink}. See {@link OutputPump} for
   * threading and limits.
   */
  static ChildOutput lines(Consumer<String> sink) {
    return new Lines(sink);
  }

  /** Inherit the supervisor's stream. */
  enum Inherit implements ChildOutput {
    INSTANCE
  }

  /** Capture through a pipe, line by line, to {@code sink}. */
  record Lines(Consumer<String> sink) implements ChildOutput {
    /** Checks that a sink is given. */
    public Lines {
      Objects.requireNonNull(sink, "sink");
    }
  }
}
