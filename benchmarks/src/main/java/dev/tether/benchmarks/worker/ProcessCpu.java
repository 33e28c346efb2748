package dev.tether.benchmarks.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system, all threads) a process has used, from {@code /proc/PID/stat}: what
 * {@code channel_rtt}'s getrusage reports for the C processes, so that both sides of a pipelined
 * run compare per message. Resolution: one clock tick (USER_HZ, 100 on Linux), 10 ms.
 */
final class ProcessCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final int UTIME = 11; // fields after the ')' closing comm: state is 0
  private static final int STIME = 12;

  private ProcessCpu() {}

  /** CPU nanoseconds used so far by process {@code pid}. */
  static long nanos(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CPU time of process " + pid, e);
    }
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME])) * NANOS_PER_TICK;
  }
}
