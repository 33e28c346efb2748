package dev.tether.supervisor.internal;

import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@link PoolStatus} as a table for people, after {@code passenger-status}: the pool's state, one
 * line per worker, then the last exit records with their last output line. Control characters in
 * output lines are shown as {@code \\uXXXX}, so a worker's output cannot move the terminal's
 * cursor or change its colours; other characters stay as they are. Stateless; thread-safe.
 */
public final class StatusTable {
  /** Exit records shown; the JSON has them all. */
  static final int EXITS_SHOWN = 10;
  private static final String ROW =
      "%4s  %-8s  %-8s  %9s  %8s  %9s  %5s  %7s  %8s  %6s  %8s%n";

  private StatusTable() {}

  /** The table, lines ending in {@code \n}. */
  public static String of(PoolStatus status) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "pool %s: %d of %d workers ready, %d requests queued%n",
        status.state(), status.ready(), status.size(), status.queued()));
    b.append(String.format(Locale.ROOT, ROW, "slot", "pid", "state", "uptime", "served",
        "in flight", "conns", "handed", "heap MiB", "lag ms", "restarts"));
    for (WorkerStatus w : status.workers()) {
      b.append(String.format(Locale.ROOT, ROW, w.slot(), w.pid(), w.state(),
          uptime(w.uptime()), w.requestsServed(), w.inFlight(), w.connections(),
          w.connectionsHanded(),
          String.format(Locale.ROOT, "%.1f", w.heapUsed() / (1024.0 * 1024.0)),
          w.loopLag().toMillis(), w.restarts()));
    }
    List<ExitRecord> exits = status.recentExits();
    List<ExitRecord> shown = exits.subList(Math.max(0, exits.size() - EXITS_SHOWN), exits.size());
    b.append(String.format(Locale.ROOT, "recent exits: %d%s%n", exits.size(),
        exits.isEmpty() ? "" : " (last " + shown.size() + ", newest last)"));
    for (ExitRecord r : shown) {
      b.append("  ").append(printable(r.summary())).append('\n');
      if (!r.lastOutput().isEmpty()) {
        b.append("    last output: ").append(printable(r.lastOutput()
            .get(r.lastOutput().size() - 1))).append('\n');
      }
    }
    return b.toString();
  }

  /** Compact and sortable by eye: {@code 45s}, {@code 3m07s}, {@code 2h03m}, {@code 4d02h}. */
  static String uptime(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
  }

  /**
   * {@code line} with C0 and C1 control characters (ESC, CR, BEL...) and unpaired surrogates
   * (which UTF-8 cannot carry) as {@code \\uXXXX}.
   */
  static String printable(String line) {
    StringBuilder b = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < line.length()
          && Character.isLowSurrogate(line.charAt(i + 1));
      if (pair) {
        b.append(c).append(line.charAt(++i));
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
