package dev.tether.benchmarks.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk run reported: requests completed, requests/s, p99 latency, and the requests that
 * failed (socket errors plus non-2xx/3xx answers), read from {@code wrk --latency}'s output.
 */
record WrkResult(long requests, double requestsPerSecond, double p99Ms, long errors) {
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern P99 = Pattern.compile("\\n\\s*99(?:\\.000)?%\\s+([\\d.]+)(us|ms|s)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile(
      "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

  /**
   * Parses wrk's report.
   *
   * @throws IllegalArgumentException naming the missing line, with the output, if wrk printed no
   *     request count, rate or 99th percentile (for example when it could not connect)
   */
  static WrkResult parse(String output) {
    long errors = 0;
    Matcher socket = SOCKET_ERRORS.matcher(output);
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(socket.group(g));
      }
    }
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher p99 = find(P99, output, "99% latency");
    double scale = switch (p99.group(2)) {
      case "us" -> 0.001;
      case "ms" -> 1;
      default -> 1000;
    };
    return new WrkResult(Long.parseLong(find(REQUESTS, output, "request count").group(1)),
        Double.parseDouble(find(RATE, output, "Requests/sec").group(1)),
        Double.parseDouble(p99.group(1)) * scale, errors);
  }

  private static Matcher find(Pattern p, String output, String what) {
    Matcher m = p.matcher(output);
    if (!m.find()) {
      throw new IllegalArgumentException("wrk output has no " + what + " (expected: wrk"
          + " --latency's report); it printed:\n" + output);
    }
    return m;
  }
}
