package dev.tether.benchmarks.worker;

import dev.tether.channel.MessageChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Supervisor-to-worker message costs over a running worker's {@code server()} channel, measured
 * the way {@code channel_rtt.c} measures two C processes: round trips of {@code ["ping"]} with one
 * message in flight, and 32-byte {@code ["count", <23 bytes>]} messages pipelined in windows
 * (WINDOW messages, then {@code ["sync"]}, whose reply carries the worker's count and the
 * characters it saw, so every message is checked), up to {@link #WINDOWS_IN_FLIGHT} windows
 * written ahead of their replies so that the worker never waits for the supervisor. Each run
 * warms up for a fifth of its duration first. Not thread-safe; one run at a time.
 */
final class MessageRuns {
  /**
   * A pipelined run: messages per second, and the CPU time each process used per message (all
   * its threads: the supervisor's is this JVM's).
   */
  record Pipelined(double msgsPerSecond, double supervisorCpuNs, double workerCpuNs) {}

  /** Messages written before each sync (the same in {@code channel_rtt.c}'s message layer). */
  static final int WINDOW = 1000;
  /** Windows written before the reply to the first of them is read; bounds what is in flight. */
  static final int WINDOWS_IN_FLIGHT = 4;

  /** One window and its sync, written with one {@code writeAll}: a write(2) per ~64 KiB. */
  private static final List<List<String>> BATCH = window();
  private static final long SUPERVISOR_PID = ProcessHandle.current().pid();

  private final MessageChannel channel;
  private final long workerPid;
  private long synced; // messages the worker has confirmed

  MessageRuns(MessageChannel channel, long workerPid) {
    this.channel = channel;
    this.workerPid = workerPid;
  }

  /** Round-trip latency in microseconds: {p50, p99, round trips per second}. */
  double[] roundTrip(long durationMs) {
    long start = System.nanoTime();
    long warmEnd = start + TimeUnit.MILLISECONDS.toNanos(durationMs) / 5;
    long end = warmEnd + TimeUnit.MILLISECONDS.toNanos(durationMs);
    long[] samples = new long[1 << 16];
    int n = 0;
    long t = start;
    while (t < end) {
      long sent = t;
      channel.write(BenchWorker.PING);
      List<String> back = channel.read();
      t = System.nanoTime();
      if (!BenchWorker.PING.equals(back)) {
        throw new IllegalStateException("reply : " + back + " (expected: [ping])");
      }
      if (sent >= warmEnd) {
        if (n == samples.length) {
          samples = Arrays.copyOf(samples, n * 2);
        }
        samples[n++] = t - sent;
      }
    }
    Arrays.sort(samples, 0, n);
    return new double[] {percentile(samples, n, 0.50) / 1e3, percentile(samples, n, 0.99) / 1e3,
        n / (durationMs / 1000.0)};
  }

  /** Pipelined 32-byte messages (after a warm-up run of a fifth of the duration). */
  Pipelined pipelined(long durationMs) {
    pipelinedOnce(Math.max(1, durationMs / 5));
    return pipelinedOnce(durationMs);
  }

  private Pipelined pipelinedOnce(long durationMs) {
    long sent = 0;
    int inFlight = 0;
    long supervisorCpu = ProcessCpu.nanos(SUPERVISOR_PID);
    long workerCpu = ProcessCpu.nanos(workerPid);
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(durationMs);
    while (System.nanoTime() < end) {
      channel.writeAll(BATCH);
      sent += WINDOW;
      if (++inFlight == WINDOWS_IN_FLIGHT) {
        checkSync();
        inFlight--;
      }
    }
    for (; inFlight > 0; inFlight--) {
      checkSync();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new Pipelined(sent / secs,
        (ProcessCpu.nanos(SUPERVISOR_PID) - supervisorCpu) / (double) sent,
        (ProcessCpu.nanos(workerPid) - workerCpu) / (double) sent);
  }

  /** Reads the reply to the next sync: the worker's count and characters so far. */
  private void checkSync() {
    synced += WINDOW;
    List<String> reply = channel.read();
    List<String> expected = List.of(Long.toString(synced),
        Long.toString(synced * BenchWorker.COUNT.get(1).length()));
    if (!expected.equals(reply)) {
      throw new IllegalStateException("worker counted " + reply + " (expected: " + expected + ")");
    }
  }

  private static List<List<String>> window() {
    List<List<String>> batch = new java.util.ArrayList<>(java.util.Collections.nCopies(WINDOW,
        BenchWorker.COUNT));
    batch.add(List.of(BenchWorker.SYNC));
    return List.copyOf(batch);
  }

  private static double percentile(long[] sorted, int n, double p) {
    if (n == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }
}
