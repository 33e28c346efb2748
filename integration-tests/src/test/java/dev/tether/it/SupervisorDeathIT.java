package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A SIGKILLed supervisor leaves no worker behind: the worker sees end of stream and exits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SupervisorDeathIT {

  @Test
  void workerExitsWhenItsSupervisorIsKilled() throws Exception {
    killSupervisorAndAwaitItsWorker("idle");
  }

  @Test
  void workerExitsWhenItsSupervisorIsKilledWithACallInFlight() throws Exception {
    killSupervisorAndAwaitItsWorker("in-flight"); // the reply meets a closed socket
  }

  private static void killSupervisorAndAwaitItsWorker(String mode) throws Exception {
    Process supervisor = new ProcessBuilder(HelloIT.javaExecutable(), "-cp",
        System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1",
        OrphanSupervisor.class.getName(), mode)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long workerPid;
    long killedAt;
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(supervisor.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          return "error: " + e;
        }
      }).get(Workers.JVM_START.toSeconds() * 2, TimeUnit.SECONDS);
      assertTrue(line != null && line.startsWith("worker "), "supervisor said: " + line);
      workerPid = Long.parseLong(line.substring("worker ".length()));
      assertTrue(Workers.running(workerPid));
    } finally {
      killedAt = System.nanoTime();
      supervisor.destroyForcibly(); // SIGKILL: no shutdown hook, no stop()
    }
    assertTrue(supervisor.waitFor(10, TimeUnit.SECONDS));
    Await.until("worker " + workerPid + " to exit", Duration.ofSeconds(10),
        () -> !Workers.running(workerPid));
    System.err.println("worker (" + mode + ") exited "
        + (System.nanoTime() - killedAt) / 1_000_000 + " ms after its supervisor was SIGKILLed");
  }
}
