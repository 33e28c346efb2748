package dev.tether.supervisor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.StatusFixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusRenderingTest {
  private final PoolStatus status = StatusFixtures.sample(PoolState.SERVING);

  @Test
  void jsonHasTheStableShape() {
    String json = status.toJson();
    assertEquals("{\"state\":\"SERVING\",\"size\":2,\"ready\":1,\"queued\":3,\"workers\":["
        + "{\"slot\":0,\"pid\":101,\"state\":\"ready\",\"uptimeMs\":3723456,"
        + "\"requestsServed\":42,\"inFlight\":1,\"connections\":2,\"connectionsHanded\":17,"
        + "\"handoffs\":0,"
        + "\"heapUsedBytes\":5767168,\"loopLagMs\":7,\"restarts\":1},"
        + "{\"slot\":1,\"pid\":102,\"state\":\"booting\",\"uptimeMs\":900,"
        + "\"requestsServed\":0,\"inFlight\":0,\"connections\":0,\"connectionsHanded\":0,"
        + "\"handoffs\":0,"
        + "\"heapUsedBytes\":0,\"loopLagMs\":0,\"restarts\":0}],\"recentExits\":[",
        json.substring(0, json.indexOf("\"recentExits\":[") + 15));
    Map<?, ?> parsed = (Map<?, ?>) new TinyJson(json).value();
    List<?> exits = (List<?>) parsed.get("recentExits");
    Map<?, ?> crash = (Map<?, ?>) exits.get(0);
    assertEquals(Map.of("type", "exited", "code", 3L), crash.get("status"));
    assertEquals("2026-01-02T03:04:05Z", crash.get("startedAt"));
    assertEquals(1500L, crash.get("uptimeMs"));
    assertEquals(List.of("first", StatusFixtures.NASTY), crash.get("lastOutput"));
    assertEquals(Map.of("type", "signaled", "signal", 9L),
        ((Map<?, ?>) exits.get(1)).get("status"));
    assertEquals(List.of("\"main\" #1"), ((Map<?, ?>) exits.get(1)).get("threadDump"));
  }

  @Test
  void jsonIsPureAsciiAndEveryCharacterComesBack() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      all.append(c);
    }
    all.append("\ud83d\ude00\udfff\ud800\uffff");
    StringBuilder json = new StringBuilder();
    StatusJson.string(json, all.toString());
    assertTrue(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f), json::toString);
    assertEquals(all.toString(), new TinyJson(json.toString()).value());
  }

  @Test
  void tableShowsWorkersPoolAndLastOutputWithoutControlCharacters() {
    String table = status.toTable();
    String[] lines = table.split("\n");
    assertEquals("pool SERVING: 1 of 2 workers ready, 3 requests queued", lines[0]);
    assertEquals("slot  pid       state        uptime    served  in flight  conns   handed"
        + "  heap MiB  lag ms  restarts", lines[1]);
    assertEquals("   0  101       ready         1h02m        42          1      2       17"
        + "       5.5       7         1", lines[2]);
    assertTrue(lines[3].contains("booting") && lines[3].contains("0s"), lines[3]);
    assertEquals("recent exits: 2 (last 2, newest last)", lines[4]);
    assertTrue(lines[5].startsWith("  worker 99 (slot 0) crashed"), lines[5]);
    assertTrue(lines[6].startsWith("    last output: q\" b\\ nl\\u000a cr\\u000d tab\\u0009"
        + " esc\\u001b[31m nul\\u0000 del\\u007f c1\\u0085 \u00e9\u4e2d \ud83d\ude00 lone\\ud800"
        + " end"), lines[6]);
    assertFalse(table.chars().anyMatch(c -> c < 0x20 && c != '\n'));
    assertTrue(lines[7].startsWith("  worker 98 (slot 1) killed by signal"), lines[7]);
    assertEquals(8, lines.length); // the signaled worker had no output
  }

  @Test
  void uptimeIsCompact() {
    assertEquals("59s", StatusTable.uptime(Duration.ofSeconds(59)));
    assertEquals("3m07s", StatusTable.uptime(Duration.ofSeconds(187)));
    assertEquals("2h03m", StatusTable.uptime(Duration.ofMinutes(123)));
    assertEquals("4d02h", StatusTable.uptime(Duration.ofHours(98)));
  }

  @Test
  void metricsAreInPrometheusTextFormat() {
    String metrics = status.toMetrics();
    assertTrue(metrics.contains("\ntether_pool_state{state=\"SERVING\"} 1\n"), metrics);
    assertTrue(metrics.contains("\ntether_pool_state{state=\"STOPPED\"} 0\n"), metrics);
    assertTrue(metrics.contains("\ntether_pool_workers_ready 1\n"), metrics);
    assertTrue(metrics.contains("# TYPE tether_worker_requests_served_total counter\n"
        + "tether_worker_requests_served_total{slot=\"0\",pid=\"101\"} 42\n"
        + "tether_worker_requests_served_total{slot=\"1\",pid=\"102\"} 0\n"), metrics);
    assertTrue(metrics.contains("tether_worker_loop_lag_seconds{slot=\"0\",pid=\"101\"} 0.007\n"),
        metrics);
    assertTrue(metrics.contains("tether_pool_recent_exits{reason=\"CRASHED\"} 1\n"), metrics);
    for (String line : metrics.split("\n")) {
      assertTrue(line.startsWith("# HELP tether_") || line.startsWith("# TYPE tether_")
          || line.matches("tether_[a-z_]+(\\{[a-z]+=\"[A-Z_0-9]+\"(,[a-z]+=\"[0-9]+\")?\\})?"
              + " -?[0-9.]+(E-?[0-9]+)?"), line);
    }
  }

  @Test
  void probesAnswerFromTheStatus() {
    Duration took = Duration.ofMillis(4);
    assertEquals("ready: 1 of 2 workers ready (minimum 1), pool SERVING\n",
        StatusRequest.READY.answer(status, 1, took));
    assertEquals("error: not ready: 1 of 2 workers ready (minimum 2), pool SERVING\n",
        StatusRequest.READY.answer(status, 2, took));
    assertTrue(StatusRequest.READY.answer(StatusFixtures.sample(PoolState.STOPPING), 1, took)
        .startsWith("error: not ready"));
    assertEquals("live: the pool's loop answered in 4 ms, pool SERVING\n",
        StatusRequest.LIVE.answer(status, 1, took));
    assertEquals("error: not live: the pool is STOPPED\n",
        StatusRequest.LIVE.answer(StatusFixtures.sample(PoolState.STOPPED), 1, took));
  }
}
