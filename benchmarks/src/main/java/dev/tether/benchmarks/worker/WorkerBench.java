package dev.tether.benchmarks.worker;

import dev.tether.server.JavaCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench worker}: (1) spawn-to-first-reply of a Tether worker against a bare JVM and
 * a C floor, under each start-up option and class archive; (2) message round trip and pipelined
 * throughput supervisor-worker against two C processes. Rounds are interleaved (every row once
 * per round, order rotated) and the tables show medians. Settings are system properties, set by
 * {@code scripts/bench-worker}.
 */
public final class WorkerBench {
  private static final double SPAWN_GOAL = 1.2;

  private WorkerBench() {}

  public static void main(String[] args) throws Exception {
    List<String> parts = Arrays.asList(prop("bench.parts", "spawn,messages").split(","));
    int jars = System.getProperty("java.class.path").split(":").length;
    System.out.println("JDK " + Runtime.version() + ", "
        + Runtime.getRuntime().availableProcessors()
        + " CPUs; worker class path = this JVM's (" + jars + " jars)");
    if (parts.contains("spawn")) {
      spawnTable();
    }
    if (parts.contains("messages")) {
      new MessageTable(Path.of(prop("bench.channelRtt", null)),
          Long.parseLong(prop("bench.durationMs", "1000")),
          Integer.parseInt(prop("bench.messageRounds", "3"))).run();
    }
  }

  private static void spawnTable() throws Exception {
    int rounds = Integer.parseInt(prop("bench.rounds", "5"));
    SpawnRuns runs = new SpawnRuns(Path.of(prop("bench.fd3ToStdin", null)),
        Path.of(prop("bench.helloJar", null)));
    Path archives = Path.of(prop("bench.archiveDir", null));
    String ext = Runtime.version().feature() >= 25 ? ".aot" : ".jsa";
    String archiveKind = Runtime.version().feature() >= 25 ? "AOT cache" : "AppCDS";
    List<String> natives = List.of("-Djffi.boot.library.path=" + prop("bench.jffiDir", null));
    List<String> quick = quickStartOptions();
    List<String> all = new ArrayList<>(quick);
    all.addAll(List.of("-Xss256k", "-Xmx64m"));
    all.addAll(natives);

    List<SpawnConfig> configs = new ArrayList<>();
    configs.add(new SpawnConfig("C responder (spawn floor)", SpawnConfig.Kind.FLOOR, List.of(),
        null));
    configs.add(new SpawnConfig("bare JVM Hello", SpawnConfig.Kind.BARE, List.of(), null));
    configs.add(new SpawnConfig("bare JVM Hello + quickStart", SpawnConfig.Kind.BARE,
        JavaCommand.QUICK_START_OPTIONS, null));
    SpawnConfig plain = SpawnConfig.tether("tether default", List.of());
    configs.add(plain);
    configs.add(SpawnConfig.tether("+ -XX:TieredStopAtLevel=1",
        List.of("-XX:TieredStopAtLevel=1")));
    configs.add(SpawnConfig.tether("+ -XX:+UseSerialGC", List.of("-XX:+UseSerialGC")));
    configs.add(SpawnConfig.tether("+ -XX:-UsePerfData", List.of("-XX:-UsePerfData")));
    configs.add(SpawnConfig.tether("+ -Xss256k -Xmx64m", List.of("-Xss256k", "-Xmx64m")));
    configs.add(SpawnConfig.tether("+ -Djnr.ffi.asm.enabled=false",
        List.of("-Djnr.ffi.asm.enabled=false")));
    configs.add(SpawnConfig.tether("+ pre-extracted natives", natives));
    configs.add(SpawnConfig.tether("quickStart()", quick));
    SpawnConfig allFlags = SpawnConfig.tether("quickStart + stack/heap + natives", all);
    configs.add(allFlags);
    SpawnConfig plainArchived = plain.withArchive(archiveKind,
        archives.resolve("default" + ext));
    SpawnConfig allArchived = allFlags.withArchive("all flags + " + archiveKind,
        archives.resolve("all" + ext));
    configs.add(plainArchived);
    configs.add(allArchived);

    String rows = prop("bench.rows", ".*");
    SpawnConfig bare = configs.get(1);
    configs.removeIf(c -> c.kind() == SpawnConfig.Kind.TETHER && c != plain
        && !c.name().matches(rows));
    for (SpawnConfig c : List.of(plainArchived, allArchived)) {
      if (!configs.contains(c)) {
        continue;
      }
      double ms = runs.train(c.jvmOptions(), c.archive());
      System.out.printf("trained %s (%s) in %.0f ms: %s%n", c.name(), archiveKind, ms, c.archive());
    }
    // Warm the supervisor's own code paths before anything is timed.
    for (SpawnConfig c : configs) {
      runs.measure(c);
    }
    Map<SpawnConfig, double[]> ms = new LinkedHashMap<>();
    configs.forEach(c -> ms.put(c, new double[rounds]));
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < configs.size(); i++) {
        SpawnConfig c = configs.get((i + r) % configs.size()); // rotate the order each round
        ms.get(c)[r] = runs.measure(c);
      }
    }
    SpawnTable.print(ms, bare, plain, SPAWN_GOAL, rounds);
    double[] early = SpawnRuns.stopMillis.stream().mapToDouble(Double::doubleValue).toArray();
    double[] settled = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      settled[r] = SpawnRuns.settledStop();
    }
    System.out.printf("stop(), channel closed to worker reaped: right after the first reply (the"
        + " worker may still be loading) median %.1f ms of %d; past start-up median %.1f ms (max"
        + " %.1f) of %d. Goal exit within 100 ms of the close: %s%n", median(early), early.length,
        median(settled), Arrays.stream(settled).max().orElse(0), rounds,
        goal(median(settled) <= 100));
  }

  /** Exactly what {@code JavaCommand.Builder.quickStart()} adds to a command line. */
  static List<String> quickStartOptions() {
    List<String> argv = JavaCommand.builder("Main").javaExecutable("java").classPath("")
        .quickStart().build().argv();
    return argv.subList(1, argv.size() - 1);
  }

  static String prop(String name, String fallback) {
    String v = System.getProperty(name, fallback);
    if (v == null) {
      throw new IllegalArgumentException(name + " : not set (expected: a -D" + name
          + "=... from scripts/bench-worker)");
    }
    return v;
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  static String goal(boolean met) {
    return met ? "met" : "NOT met";
  }
}
