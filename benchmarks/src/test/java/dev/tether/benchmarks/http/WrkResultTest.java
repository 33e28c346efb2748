package dev.tether.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WrkResultTest {
  private static final String REPORT = String.join("\n",
      "Running 2s test @ http://127.0.0.1:8080/",
      "  1 threads and 100 connections",
      "  Thread Stats   Avg      Stdev     Max   +/- Stdev",
      "    Latency     1.21ms  312.40us  14.51ms   91.20%",
      "    Req/Sec    83.12k     2.31k   86.70k    75.00%",
      "  Latency Distribution",
      "     50%    1.16ms",
      "     75%    1.29ms",
      "     90%    1.46ms",
      "     99%  850.00us",
      "  165432 requests in 2.00s, 20.51MB read",
      "  Socket errors: connect 0, read 3, write 0, timeout 2",
      "  Non-2xx or 3xx responses: 7",
      "Requests/sec:  82716.01",
      "Transfer/sec:     10.25MB",
      "");

  @Test
  void readsCountRateP99AndErrors() {
    WrkResult r = WrkResult.parse(REPORT);
    assertEquals(165432, r.requests());
    assertEquals(82716.01, r.requestsPerSecond(), 1e-9);
    assertEquals(0.85, r.p99Ms(), 1e-9);
    assertEquals(12, r.errors());
  }

  @Test
  void convertsSecondsAndMilliseconds() {
    assertEquals(1200, WrkResult.parse(REPORT.replace("850.00us", "1.20s")).p99Ms(), 1e-9);
    assertEquals(2.5, WrkResult.parse(REPORT.replace("850.00us", "2.50ms")).p99Ms(), 1e-9);
  }

  @Test
  void namesWhatIsMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WrkResult.parse("unable to connect to 127.0.0.1:1 Connection refused"));
    assertTrue(e.getMessage().startsWith("wrk output has no 99% latency"), e.getMessage());
  }
}
