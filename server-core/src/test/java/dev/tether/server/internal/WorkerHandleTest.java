package dev.tether.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.TrailingBytesException;
import dev.tether.reactor.ExitStatus;
import dev.tether.server.ProtocolErrorException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WorkerHandle#call} against workers that are not Tether JVMs: a shell on fd 3. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerHandleTest {

  /** A shell worker that writes {@code reply} (printf format) to fd 3, then lives on. */
  private static WorkerHandle shellWorker(String reply) {
    return WorkerHandle.spawn("shell worker",
        SpawnRequest.builder(List.of("sh", "-c", "printf '" + reply + "' >&3; exec sleep 60")),
        () -> {});
  }

  @Test
  void malformedReplyFromALiveWorkerIsAProtocolErrorAtOnce() {
    // Body "ab\0cd": two bytes after the last NUL.
    WorkerHandle worker = shellWorker("\\000\\005ab\\000cd");
    try {
      ProtocolErrorException e =
          assertThrows(ProtocolErrorException.class, () -> worker.call(null, "hello"));
      assertInstanceOf(TrailingBytesException.class, e.getCause());
      assertEquals(worker.pid(), e.pid());
      assertTrue(e.getMessage().contains("(pid " + worker.pid() + ")")
          && e.getMessage().contains("'hello'") && e.getMessage().contains("(63 64)"),
          e.getMessage());
      assertTrue(worker.exitStatusNow().isEmpty(), "still running");
    } finally {
      assertEquals(new ExitStatus.Signaled(15), worker.stop(Duration.ZERO, Duration.ofSeconds(10)));
    }
  }
}
