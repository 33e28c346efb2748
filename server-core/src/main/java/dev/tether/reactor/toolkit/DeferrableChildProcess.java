package dev.tether.reactor.toolkit;

import dev.tether.reactor.ProcessOptions;
import dev.tether.reactor.Reactor;
import dev.tether.reactor.SystemResult;
import java.util.List;
import java.util.Objects;

/**
 * EventMachine's {@code EM::DeferrableChildProcess.open}: runs a command (no shell) and answers
 * with a {@link Deferrable} that succeeds, once the child has ended and been reaped, with its
 * output and {@link dev.tether.reactor.ExitStatus} as a {@link SystemResult}, whatever the exit
 * status (as in EventMachine: a non-zero exit is a result, not a failure; look at {@link
 * SystemResult#status()}).
 *
 * <p>Built on {@link Reactor#system(List, ProcessOptions, java.util.function.Consumer)}, so the
 * reactor owns every fd and reaps the child, and the output is bounded by {@link
 * ProcessOptions#outputLimit()} (16 MiB by default; past it the rest is read and dropped and
 * the result says {@code truncated}). By default stdout is collected and stderr inherited, as
 * with EventMachine's popen.
 *
 * <p>Threading: reactor thread only ({@link dev.tether.reactor.ReactorException} otherwise); the
 * deferrable completes there.
 */
public final class DeferrableChildProcess {
  private DeferrableChildProcess() {
  }

  /** {@link #open(Reactor, List, ProcessOptions)} with stderr inherited. */
  public static Deferrable<SystemResult> open(Reactor reactor, List<String> argv) {
    return open(reactor, argv, ProcessOptions.defaults());
  }

  /**
   * Starts {@code argv} with {@code options} (stderr {@code INHERIT} or {@code MERGE}).
   *
   * @throws dev.tether.reactor.ProcessStartException if the child cannot be started; nothing is
   *     left open or running then
   * @throws IllegalArgumentException if argv is empty or holds null or NUL, or {@code options}
   *     asks for a separate stderr
   */
  public static Deferrable<SystemResult> open(Reactor reactor, List<String> argv,
      ProcessOptions options) {
    Objects.requireNonNull(options, "options");
    Deferrable<SystemResult> result = new Deferrable<>(reactor);
    reactor.checkInLoop("DeferrableChildProcess");
    reactor.system(argv, options, result::trySucceed);
    return result;
  }
}
