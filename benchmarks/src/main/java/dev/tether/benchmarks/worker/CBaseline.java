package dev.tether.benchmarks.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the channel benchmark's C program ({@code channel_rtt -d MS}: two processes over a
 * socketpair: rtt, pipe_batched, pipe_single, pipe_messages) and parses its {@code RESULT} lines.
 */
final class CBaseline {
  private final Path program;

  CBaseline(Path program) {
    this.program = program;
  }

  /** Results by name (those of {@code channel_rtt}'s usage), each a map of its fields. */
  Map<String, Map<String, Double>> run(long durationMs) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(program.toString(), "-d", Long.toString(durationMs)))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Map<String, Double>> results = new HashMap<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("RESULT ")) {
          continue;
        }
        Map<String, Double> fields = new HashMap<>();
        String name = null;
        for (String kv : line.substring(7).trim().split(" +")) {
          String[] parts = kv.split("=", 2);
          if (parts[0].equals("name")) {
            name = parts[1];
          } else {
            fields.put(parts[0], Double.parseDouble(parts[1]));
          }
        }
        results.put(name, fields);
      }
    }
    int status = p.waitFor();
    List<String> expected = List.of("rtt", "pipe_batched", "pipe_single", "pipe_messages");
    if (status != 0 || !results.keySet().containsAll(expected)) {
      throw new IllegalStateException(program + " exited " + status + " with results "
          + results.keySet());
    }
    return results;
  }
}
