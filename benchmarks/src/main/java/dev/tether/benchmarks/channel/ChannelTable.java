package dev.tether.benchmarks.channel;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Prints one channel metric: C and Tether medians over rounds, their ratio, Tether per round. */
final class ChannelTable {
  private final List<Map<String, Map<String, String>>> c;
  private final List<Map<String, Map<String, String>>> java;

  ChannelTable(
      List<Map<String, Map<String, String>>> c, List<Map<String, Map<String, String>>> java) {
    this.c = c;
    this.java = java;
  }

  void row(String label, String name, String field) {
    double[] cv = values(c, name, field);
    double[] jv = values(java, name, field);
    String cm = cv.length == 0 ? "-" : format(median(cv));
    String jm = jv.length == 0 ? "-" : format(median(jv));
    String ratio = cv.length == 0 || jv.length == 0
        ? "-" : String.format("%.2f", median(jv) / median(cv));
    String perRound = java.stream()
        .map(run -> run.getOrDefault(name, Map.of()).get(field))
        .filter(Objects::nonNull)
        .collect(Collectors.joining(" "));
    System.out.printf("%-34s %12s %12s %9s   %s%n", label, cm, jm, ratio, perRound);
  }

  private static double[] values(List<Map<String, Map<String, String>>> runs, String name,
      String field) {
    return runs.stream()
        .map(run -> run.getOrDefault(name, Map.of()).get(field))
        .filter(Objects::nonNull)
        .mapToDouble(Double::parseDouble)
        .sorted()
        .toArray();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String format(double v) {
    return v >= 1000 ? String.format("%.0f", v) : String.format("%.2f", v);
  }
}
