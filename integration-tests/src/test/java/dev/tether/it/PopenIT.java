package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.popen.Popen;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Popen example as its own JVM: output copied, exit status propagated, failures explained. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PopenIT {
  /** What one run of the example printed and how it exited. */
  record Run(String stdout, String stderr, int exit) {}

  @Test
  void copiesTheOutputAndExitsWithTheChildsStatus() throws Exception {
    Run run = popen("sh", "-c", "echo hi; exit 3");
    assertEquals("hi\n", run.stdout(), run.stderr());
    assertEquals(3, run.exit(), run.stderr());
  }

  @Test
  void copiesLargeOutputExactly() throws Exception {
    Run run = popen("seq", "1", "200000");
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 200000; i++) {
      expected.append(i).append('\n');
    }
    assertEquals(expected.toString(), run.stdout());
    assertEquals(0, run.exit(), run.stderr());
  }

  @Test
  void aChildKilledBySignalExitsWith128PlusTheSignal() throws Exception {
    Run run = popen("sh", "-c", "kill -KILL $$");
    assertEquals(128 + 9, run.exit(), run.stderr());
  }

  @Test
  void aMissingCommandIsExplainedAndFails() throws Exception {
    Run run = popen("no-such-command-anywhere", "x");
    assertEquals(127, run.exit());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().contains("popen: cannot spawn [no-such-command-anywhere, x]: "
        + "posix_spawnp(no-such-command-anywhere) failed with error(2): No such file or directory"
        + " (executable no-such-command-anywhere not found)"), run.stderr());
  }

  @Test
  void noArgumentIsAUsageError() throws Exception {
    Run run = popen();
    assertEquals(2, run.exit());
    assertTrue(run.stderr().startsWith("usage: Popen COMMAND"), run.stderr());
  }

  private static Run popen(String... argv) throws Exception {
    try (ExampleProcess p = ExampleProcess.start(Popen.class, argv)) {
      int exit = p.awaitExit(Duration.ofSeconds(60));
      return new Run(p.stdout().text(), p.stderr().text(), exit);
    }
  }
}
