package dev.tether.benchmarks.worker;

import dev.tether.reactor.ExitStatus;
import dev.tether.server.JavaCommand;
import dev.tether.server.internal.SpawnRequest;
import dev.tether.server.internal.WorkerHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Spawn-to-first-reply: the time from before the socket pair is made until the reply to the
 * first {@code ["ping"]} has been read, for a Tether worker ({@code AbstractServer.start()},
 * {@code server().write}, {@code server().read}) and for the baselines, which go through the same
 * {@link WorkerHandle} (posix_spawn, socket at fd 3) and are read with the same
 * {@code MessageChannel}. Every child is stopped and reaped before the next measurement; a child
 * that does not end with status 0 fails the run.
 */
final class SpawnRuns {
  /** Long enough for a training run to write its archive after the channel closes. */
  private static final Duration GRACEFUL = Duration.ofSeconds(60);
  private static final Duration AFTER_TERM = Duration.ofSeconds(5);

  /**
   * How long each Tether worker's {@code stop()} took right after its first reply: the supervisor
   * closes the channel, the worker sees the end, finalizes and exits, and is reaped (no signal
   * unless it takes 60 s). A worker that is still loading its native code sees the end once it
   * has loaded (plain streams cannot tell the end from silence).
   */
  static final List<Double> stopMillis = Collections.synchronizedList(new ArrayList<>());

  /** Time after the first reply by which a worker has left its start-up phase (~0.3 s here). */
  private static final long SETTLE_MILLIS = 1000;

  private final Path fd3ToStdin;
  private final Path helloJar;

  SpawnRuns(Path fd3ToStdin, Path helloJar) {
    this.fd3ToStdin = fd3ToStdin;
    this.helloJar = helloJar;
  }

  /** One measurement of {@code config}, in milliseconds. */
  double measure(SpawnConfig config) throws InterruptedException {
    switch (config.kind()) {
      case TETHER:
        return tether(config.jvmOptions(), config.archive(), false);
      case BARE:
        List<String> argv = new ArrayList<>(List.of(fd3ToStdin.toString(),
            JavaCommand.defaultJavaExecutable()));
        argv.addAll(config.jvmOptions());
        argv.addAll(List.of("-cp", helloJar.toString(), Hello.class.getName()));
        return spawned(argv);
      case FLOOR:
        return spawned(List.of(fd3ToStdin.toString(), "--echo"));
      default:
        throw new IllegalArgumentException("kind : " + config.kind());
    }
  }

  /**
   * Runs a worker with {@code options} that writes a class archive to {@code file} at exit
   * ({@code JavaCommand.Builder.trainClassArchive}) after one real ping; returns the wall time of
   * the whole training in milliseconds.
   *
   * @throws IllegalStateException if no archive was written
   */
  double train(List<String> options, Path file) throws Exception {
    Files.deleteIfExists(file);
    Files.createDirectories(file.getParent());
    long t0 = System.nanoTime();
    tether(options, file, true);
    double ms = (System.nanoTime() - t0) / 1e6;
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("training wrote no archive: " + file + " (its output is"
          + " hidden; run the worker with " + options + " by hand to see why)");
    }
    return ms;
  }

  /**
   * {@code stop()} of a default worker past its start-up (its channel on the reactor): start, one
   * ping, {@value #SETTLE_MILLIS} ms, one more ping; returns the stop's milliseconds.
   */
  static double settledStop() throws InterruptedException {
    BenchWorker worker = new BenchWorker();
    worker.stopTimeouts(GRACEFUL, AFTER_TERM);
    worker.start();
    try {
      worker.call(BenchWorker.PING.get(0));
      Thread.sleep(SETTLE_MILLIS); // a benchmark, not a test: let the native code load
      worker.call(BenchWorker.PING.get(0));
    } catch (RuntimeException e) {
      worker.stop();
      throw e;
    }
    long t0 = System.nanoTime();
    ExitStatus status = worker.stop();
    double ms = (System.nanoTime() - t0) / 1e6;
    check(status.equals(new ExitStatus.Exited(0)), "worker ended " + status + " (expected: 0)");
    return ms;
  }

  private static double tether(List<String> options, Path archive, boolean train) {
    BenchWorker worker = new BenchWorker();
    worker.stopTimeouts(GRACEFUL, AFTER_TERM);
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    if (train) {
      worker.captureOutput(output::add); // the archive dump's chatter; shown if training fails
    }
    worker.configureCommand(b -> {
      b.jvmOptions(options.toArray(new String[0]));
      if (archive != null && train) {
        // The dump's warnings (classes it cannot archive) would flood the table; errors stay.
        b.jvmOptions("-Xlog:disable", "-Xlog:all=error:stderr");
        b.trainClassArchive(archive);
      } else if (archive != null) {
        b.classArchive(archive);
      }
    });
    long t0 = System.nanoTime();
    List<String> reply;
    try {
      worker.start();
      worker.server().write(BenchWorker.PING);
      reply = worker.server().read();
    } catch (RuntimeException e) {
      if (worker.isStarted()) {
        worker.stop();
      }
      throw e;
    }
    long elapsed = System.nanoTime() - t0;
    long stopping = System.nanoTime();
    ExitStatus status = worker.stop();
    if (!train) {
      stopMillis.add((System.nanoTime() - stopping) / 1e6);
    }
    check(BenchWorker.PING.equals(reply), "reply : " + reply + " (expected: [ping])");
    check(status.equals(new ExitStatus.Exited(0)), "worker ended " + status + " (expected: 0);"
        + " its output: " + String.join("\n", output));
    return elapsed / 1e6;
  }

  private static double spawned(List<String> argv) {
    long t0 = System.nanoTime();
    WorkerHandle child = WorkerHandle.spawn(argv.get(argv.size() - 1),
        SpawnRequest.builder(argv), () -> { });
    List<String> reply;
    try {
      child.channel().write(BenchWorker.PING);
      reply = child.channel().read();
    } catch (RuntimeException e) {
      child.stop(GRACEFUL, AFTER_TERM);
      throw e;
    }
    long elapsed = System.nanoTime() - t0;
    ExitStatus status = child.stop(GRACEFUL, AFTER_TERM);
    check(BenchWorker.PING.equals(reply), argv.get(argv.size() - 1) + " replied " + reply);
    check(status.equals(new ExitStatus.Exited(0)), argv + " ended " + status + " (expected: 0)");
    return elapsed / 1e6;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
