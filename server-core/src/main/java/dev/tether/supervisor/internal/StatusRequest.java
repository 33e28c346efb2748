package dev.tether.supervisor.internal;

import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import java.time.Duration;
import java.util.Locale;

/**
 * The requests a status socket answers, one line each, and their answers. An answer that starts
 * with {@code "error: "} is a failure (one line); anything else succeeded. The probes answer
 * one line: {@code ready} when at least the minimum of workers is ready and the pool is not
 * stopping, {@code live} when the pool's loop produced the status (a stopped pool's has ended).
 */
public enum StatusRequest {
  /** The status as JSON ({@link StatusJson}). */
  STATUS,
  /** The status as a table ({@link StatusTable}). */
  TABLE,
  /** The status as Prometheus metrics ({@link StatusMetrics}). */
  METRICS,
  /** Readiness probe. */
  READY,
  /** Liveness probe. */
  LIVE;

  /** The prefix of every failed answer. */
  public static final String ERROR = "error: ";
  /** What a request may be, for error messages. */
  static final String EXPECTED = "one of status, table, metrics, ready, live";

  /** The request named {@code line} (without its newline), or null if there is none. */
  public static StatusRequest parse(String line) {
    for (StatusRequest r : values()) {
      if (r.word().equals(line)) {
        return r;
      }
    }
    return null;
  }

  /** The request's word on the wire. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The answer to this request from {@code status}, which took {@code took} to produce, with at
   * least {@code minReady} workers needed for readiness.
   */
  public String answer(PoolStatus status, int minReady, Duration took) {
    return switch (this) {
      case STATUS -> StatusJson.of(status) + "\n";
      case TABLE -> StatusTable.of(status);
      case METRICS -> StatusMetrics.of(status);
      case READY -> {
        boolean ready = status.ready() >= minReady && status.state() != PoolState.STOPPING
            && status.state() != PoolState.STOPPED;
        yield (ready ? "ready: " : ERROR + "not ready: ") + status.ready() + " of "
            + status.size() + " workers ready (minimum " + minReady + "), pool "
            + status.state() + "\n";
      }
      case LIVE -> status.state() == PoolState.STOPPED
          ? ERROR + "not live: the pool is STOPPED\n"
          : "live: the pool's loop answered in " + took.toMillis() + " ms, pool "
              + status.state() + "\n";
    };
  }
}
