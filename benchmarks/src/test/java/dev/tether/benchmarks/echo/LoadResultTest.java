package dev.tether.benchmarks.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoadResultTest {
  private static final String LINE = "RESULT conns=100 size=64 msgs=2000 total=3000 secs=1.000"
      + " rate=2000 p50_us=40.5 p90_us=50.0 p99_us=90.0 p999_us=120.0 max_us=300.0 errors=0";

  @Test
  void parsesWhatEchoLoadPrints() {
    LoadResult r = LoadResult.parse(LINE, 50_000);
    assertEquals(100, r.conns());
    assertEquals(2000, r.msgs());
    assertEquals(2000.0, r.rate());
    assertEquals(40.5, r.p50Us());
    assertEquals(90.0, r.p99Us());
    assertEquals(25.0, r.cpuUsPerMsg(), 1e-9); // 50 ms of CPU over 2000 echoes
  }

  @Test
  void cpuPerMessageIsUnknownWhenTheWindowWasNotSampled() {
    assertTrue(Double.isNaN(LoadResult.parse(LINE, -1).cpuUsPerMsg()));
  }

  @Test
  void malformedLineIsRefusedNamingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LoadResult.parse("RESULT conns=1 msgs=oops", 0));
    assertTrue(e.getMessage().contains("msgs=oops"), e.getMessage());
  }

  @Test
  void ratiosPairRoundsAndSkipRoundsOnlyOneSideHas() {
    Map<Integer, LoadResult> netty = new TreeMap<>();
    Map<Integer, LoadResult> tether = new TreeMap<>();
    netty.put(0, withRate(1000));
    netty.put(1, withRate(100)); // a noisy round: tether's round 1 failed, so it must not count
    netty.put(2, withRate(2000));
    tether.put(0, withRate(900));
    tether.put(2, withRate(1600));
    assertEquals(0.85, EchoTable.ratio(tether, netty, LoadResult::rate), 1e-9);
  }

  private static LoadResult withRate(double rate) {
    return new LoadResult(100, (long) rate, (long) rate, rate, 1, 2, 3, 0, 1000);
  }
}
