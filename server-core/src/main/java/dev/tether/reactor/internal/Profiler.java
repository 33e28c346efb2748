package dev.tether.reactor.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-callback call counts and CPU time, keyed by (kind of callback, class of the callback object).
 * Costs nothing while off; while on, two thread-CPU-clock reads per callback. Not thread-safe:
 * reactor thread only.
 */
public final class Profiler {
  /** Accumulated figures of one callback. */
  public static final class Stats {
    final String name;
    long calls;
    long cpuNanos;

    Stats(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    public long calls() {
      return calls;
    }

    public long cpuNanos() {
      return cpuNanos;
    }
  }

  private final Map<String, Map<Class<?>, Stats>> byKind = new HashMap<>();
  // Looked up when first enabled: the management classes are slow to load.
  private ThreadMXBean threads;
  private boolean enabled;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    if (enabled && threads == null) {
      threads = ManagementFactory.getThreadMXBean();
    }
    this.enabled = enabled;
  }

  /** CPU time of the current thread, for {@link #record}. */
  public long cpuNow() {
    return threads.getCurrentThreadCpuTime();
  }

  /** Adds one call of {@code kind} on an object of class {@code type} that took CPU since start. */
  public void record(String kind, Class<?> type, long startCpu) {
    long used = threads.getCurrentThreadCpuTime() - startCpu;
    Map<Class<?>, Stats> ofKind = byKind.get(kind);
    if (ofKind == null) {
      ofKind = new HashMap<>();
      byKind.put(kind, ofKind);
    }
    Stats stats = ofKind.get(type);
    if (stats == null) {
      stats = new Stats(type.getName() + "." + kind);
      ofKind.put(type, stats);
    }
    stats.calls++;
    stats.cpuNanos += used;
  }

  /** All figures so far, in no particular order. */
  public List<Stats> snapshot() {
    List<Stats> all = new ArrayList<>();
    byKind.values().forEach(m -> all.addAll(m.values()));
    return all;
  }

  /** Forgets all figures. */
  public void reset() {
    byKind.clear();
  }
}
