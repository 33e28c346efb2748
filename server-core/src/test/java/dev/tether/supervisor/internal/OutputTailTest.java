package dev.tether.supervisor.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutputTailTest {
  @Test
  void keepsTheLastLinesAndCutsLongOnes() {
    OutputTail tail = new OutputTail(3);
    for (int i = 0; i < 5; i++) {
      tail.add("line " + i);
    }
    assertEquals(List.of("line 2", "line 3", "line 4"), tail.lines());
    tail.add("x".repeat(OutputTail.MAX_LINE + 10));
    assertEquals(OutputTail.MAX_LINE + 3, tail.lastLine().length());
  }

  @Test
  void aDumpAskedForIsKeptApartFromTheTail() {
    OutputTail tail = new OutputTail(10);
    tail.add("the worker's own line");
    CompletableFuture<List<String>> dump = tail.expectDump();
    tail.add("2026-12-03 15:53:52");
    tail.add("Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):");
    tail.add("\"main\" #1 prio=5 os_prio=0");
    assertFalse(dump.isDone());
    tail.add("JNI global refs: 7, weak refs: 0");
    assertEquals(List.of("2026-12-03 15:53:52",
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):",
        "\"main\" #1 prio=5 os_prio=0", "JNI global refs: 7, weak refs: 0"), dump.join());
    tail.add(""); // the heap summary HotSpot prints after the dump (measured on JDK 17)
    tail.add("Heap");
    tail.add(" garbage-first heap   total 397312K, used 17291K [0x0000000687400000, ...)");
    tail.add("  class space    used 1062K, committed 1152K, reserved 1048576K");
    tail.add("after the dump");
    assertEquals(List.of("the worker's own line", "after the dump"), tail.lines());
  }

  @Test
  void aDumpNobodyAskedForIsOrdinaryOutput() {
    OutputTail tail = new OutputTail(10);
    tail.add("Full thread dump OpenJDK");
    assertTrue(tail.lines().contains("Full thread dump OpenJDK"));
  }
}
