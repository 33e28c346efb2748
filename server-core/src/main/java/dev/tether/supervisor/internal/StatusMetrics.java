package dev.tether.supervisor.internal;

import dev.tether.supervisor.ExitReason;
import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@link PoolStatus} in Prometheus' text exposition format (0.0.4): pool gauges, then one series
 * per live worker labelled {@code slot} and {@code pid}, in base units (seconds, bytes). The
 * exit records appear only as counts per reason among the recent ones, since the pool keeps a
 * bounded number of them. Stateless; thread-safe.
 */
public final class StatusMetrics {
  private StatusMetrics() {}

  /** The metrics, lines ending in {@code \n}. */
  public static String of(PoolStatus status) {
    StringBuilder b = new StringBuilder(1024 + 1024 * status.workers().size());
    header(b, "tether_pool_state", "gauge", "1 for the pool's current state, 0 for the others.");
    for (PoolState s : PoolState.values()) {
      b.append("tether_pool_state{state=\"").append(s.name()).append("\"} ")
          .append(s == status.state() ? 1 : 0).append('\n');
    }
    gauge(b, "tether_pool_size", "Workers the pool keeps.", status.size());
    gauge(b, "tether_pool_workers_ready", "Workers ready to serve.", status.ready());
    gauge(b, "tether_pool_requests_queued", "Requests waiting for a worker with room.",
        status.queued());
    header(b, "tether_pool_recent_exits", "gauge",
        "Exit records the pool keeps (the most recent), by reason.");
    Map<ExitReason, Integer> reasons = new EnumMap<>(ExitReason.class);
    for (ExitRecord r : status.recentExits()) {
      reasons.merge(r.reason(), 1, Integer::sum);
    }
    for (ExitReason r : ExitReason.values()) {
      b.append("tether_pool_recent_exits{reason=\"").append(r.name()).append("\"} ")
          .append(reasons.getOrDefault(r, 0)).append('\n');
    }
    worker(b, status, "tether_worker_ready", "gauge", "1 if the worker is ready, else 0.",
        w -> w.state().equals("ready") ? 1 : 0);
    worker(b, status, "tether_worker_uptime_seconds", "gauge", "Time since the worker spawned.",
        w -> w.uptime().toMillis() / 1000.0);
    worker(b, status, "tether_worker_requests_served_total", "counter",
        "Requests the worker answered.", WorkerStatus::requestsServed);
    worker(b, status, "tether_worker_requests_in_flight", "gauge",
        "Requests sent to the worker and not answered yet.", WorkerStatus::inFlight);
    worker(b, status, "tether_worker_connections", "gauge",
        "Connections the worker's reactor serves (last heartbeat).", WorkerStatus::connections);
    worker(b, status, "tether_worker_connections_handed_total", "counter",
        "Connections the pool handed to the worker.", WorkerStatus::connectionsHanded);
    worker(b, status, "tether_worker_heap_used_bytes", "gauge",
        "Heap in use (last heartbeat).", WorkerStatus::heapUsed);
    worker(b, status, "tether_worker_loop_lag_seconds", "gauge",
        "Worst lateness of the worker's event loop between its last two heartbeats.",
        w -> w.loopLag().toNanos() / 1e9);
    worker(b, status, "tether_worker_slot_restarts_total", "counter",
        "Workers of this slot replaced before this one.", WorkerStatus::restarts);
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    header(b, name, "gauge", help);
    b.append(name).append(' ').append(value).append('\n');
  }

  private static void worker(StringBuilder b, PoolStatus status, String name, String type,
      String help, ToDoubleFunction<WorkerStatus> value) {
    header(b, name, type, help);
    for (WorkerStatus w : status.workers()) {
      b.append(name).append("{slot=\"").append(w.slot()).append("\",pid=\"").append(w.pid())
          .append("\"} ").append(number(value.applyAsDouble(w))).append('\n');
    }
  }

  private static void header(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Integers without a fraction, others as Java prints doubles (which Prometheus parses). */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
        : Double.toString(v);
  }
}
