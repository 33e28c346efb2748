package dev.tether.server.internal;

import dev.tether.reactor.ExitStatus;
import dev.tether.reactor.internal.WaitStatus;
import dev.tether.server.TetherException;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Processes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child started by {@link ProcessSpawner}: its pid, its exit, signals to it and the stop
 * escalation.
 *
 * <p><b>Reaping.</b> A daemon thread per child ({@code tether-reaper-<pid>}) blocks in
 * {@code waitid(P_PID, pid, WEXITED | WNOWAIT)}, which waits for this pid only and leaves the
 * zombie in place; it then reaps with {@code waitpid(pid)} under the same lock that
 * {@link #signal(int)} holds, and ends. So a signal is only ever sent to a pid that is still this
 * child (alive or a zombie), never to a recycled pid. Nothing here calls {@code waitpid(-1)},
 * which would steal the exit status of the JDK's own {@code Process} children.
 *
 * <p><b>Threading.</b> All methods are thread-safe. {@link #onExit()} completes on the reaper
 * thread, so dependent actions added without an executor run there: keep them short.
 *
 * <p><b>Fds.</b> The child owns no fd of the supervisor; capture pipes are owned by their pumps
 * ({@link #outputDrained()}).
 */
public final class ChildProcess {
  /** How long {@link #stop} waits for the kernel after SIGKILL before giving up. */
  static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);

  private final int pid;
  private final List<String> command;
  private final Object lock = new Object();
  private boolean reaped; // guarded by lock
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private final CompletableFuture<Void> outputDrained;

  private ChildProcess(int pid, List<String> command, List<CompletableFuture<Void>> pumps) {
    this.pid = pid;
    this.command = command;
    this.outputDrained = CompletableFuture.allOf(pumps.toArray(new CompletableFuture<?>[0]));
  }

  static ChildProcess start(int pid, List<String> command, List<CompletableFuture<Void>> pumps) {
    ChildProcess child = new ChildProcess(pid, command, pumps);
    Thread reaper = new Thread(child::reap, "tether-reaper-" + pid);
    reaper.setDaemon(true);
    reaper.start();
    return child;
  }

  /** The child's process id; stays valid as an identity after exit, but is not signalled then. */
  public int pid() {
    return pid;
  }

  /** The argv the child was started with. */
  public List<String> command() {
    return command;
  }

  /**
   * Completes with the exit status once the child has been reaped, or exceptionally with a
   * {@link dev.tether.unix.NativeCallException} if waiting failed (ECHILD: something else reaped
   * it). A copy per
   * call: completing it does not affect this child.
   */
  public CompletableFuture<ExitStatus> onExit() {
    return exit.copy();
  }

  /** Completes when every captured output stream reached end of file and was closed. */
  public CompletableFuture<Void> outputDrained() {
    return outputDrained.copy();
  }

  /** True until the child has been reaped (a zombie not yet reaped still counts as alive). */
  public boolean isAlive() {
    synchronized (lock) {
      return !reaped;
    }
  }

  /**
   * Sends {@code signal} to the child unless it has been reaped already.
   *
   * @return true if sent, false if the child was already reaped (nothing is sent then)
   * @throws dev.tether.unix.NativeCallException if {@code kill(2)} fails
   */
  public boolean signal(int signal) {
    if (signal < 1 || signal > ExitStatus.MAX_SIGNAL) {
      throw new IllegalArgumentException(
          "signal : " + signal + " (expected: 1.." + ExitStatus.MAX_SIGNAL + ")");
    }
    synchronized (lock) {
      if (reaped) {
        return false;
      }
      Processes.kill(pid, signal);
      return true;
    }
  }

  /**
   * Waits up to {@code timeout} for the child to be reaped.
   *
   * @return the exit status, or empty if the child is still running at the deadline
   * @throws InterruptedException if the calling thread is interrupted
   */
  public Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new TetherException("waiting for pid " + pid + " failed", e.getCause());
    }
  }

  /**
   * Stops the child by escalation and returns how it ended: wait up to {@code graceful} for it to
   * exit on its own (the caller has usually closed its end of the socket already), then SIGTERM
   * and wait up to {@code afterTerm}, then SIGKILL and wait until it is reaped. Blocks the caller.
   *
   * @throws TetherException if the child is still not reaped {@link #KILL_TIMEOUT} after SIGKILL
   *     (a process stuck in uninterruptible sleep)
   * @throws InterruptedException if the calling thread is interrupted; the child keeps running
   */
  public ExitStatus stop(Duration graceful, Duration afterTerm) throws InterruptedException {
    Optional<ExitStatus> status = awaitExit(graceful);
    if (status.isPresent()) {
      return status.get();
    }
    LOG.info("pid {} still running {} ms after stop; sending SIGTERM", pid, graceful.toMillis());
    signal(Linux.SIGTERM);
    status = awaitExit(afterTerm);
    if (status.isPresent()) {
      return status.get();
    }
    LOG.warn("pid {} still running {} ms after SIGTERM; sending SIGKILL", pid,
        afterTerm.toMillis());
    signal(Linux.SIGKILL);
    return awaitExit(KILL_TIMEOUT).orElseThrow(() -> new TetherException(
        "pid " + pid + " not reaped " + KILL_TIMEOUT.toMillis() + " ms after SIGKILL"));
  }

  private void reap() {
    try {
      Processes.awaitTermination(pid);
      int status;
      synchronized (lock) {
        try {
          status = Processes.waitpid(pid);
        } finally {
          reaped = true;
        }
      }
      exit.complete(WaitStatus.decode(status));
    } catch (RuntimeException e) {
      synchronized (lock) {
        reaped = true;
      }
      LOG.error("reaping pid {} failed", pid, e);
      exit.completeExceptionally(e);
    }
  }

  @Override
  public String toString() {
    return "ChildProcess[pid=" + pid + ", command=" + command + "]";
  }
}
