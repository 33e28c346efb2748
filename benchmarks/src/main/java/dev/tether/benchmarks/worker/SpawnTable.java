package dev.tether.benchmarks.worker;

import java.util.Map;

/** Prints the start-up table: medians, ratio to the bare JVM, every round, and the goal. */
final class SpawnTable {
  private SpawnTable() {}

  static void print(Map<SpawnConfig, double[]> ms, SpawnConfig bare, SpawnConfig tether,
      double goal, int rounds) {
    double bareMs = WorkerBench.median(ms.get(bare));
    System.out.println();
    System.out.printf("Spawn to first reply (ms; median of %d interleaved rounds; x bare = / bare"
        + " JVM Hello's median)%n", rounds);
    System.out.printf("%-36s %8s %7s  %s%n", "config", "median", "x bare", "rounds");
    SpawnConfig best = tether;
    for (Map.Entry<SpawnConfig, double[]> e : ms.entrySet()) {
      double m = WorkerBench.median(e.getValue());
      StringBuilder each = new StringBuilder();
      for (double v : e.getValue()) {
        each.append(String.format(" %.0f", v));
      }
      System.out.printf("%-36s %8.1f %6.2fx %s%n", e.getKey().name(), m, m / bareMs, each);
      if (e.getKey().kind() == SpawnConfig.Kind.TETHER
          && m < WorkerBench.median(ms.get(best))) {
        best = e.getKey();
      }
    }
    double plain = WorkerBench.median(ms.get(tether)) / bareMs;
    double fastest = WorkerBench.median(ms.get(best)) / bareMs;
    System.out.printf("Goal spawn <= %.1fx bare JVM: default worker %.2fx (%s); best worker"
        + " config '%s' %.2fx (%s)%n", goal, plain, WorkerBench.goal(plain <= goal), best.name(),
        fastest, WorkerBench.goal(fastest <= goal));
  }
}
