package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.supervisor.PoolState;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.StatusServer;
import dev.tether.supervisor.WorkerPool;
import dev.tether.supervisor.WorkerStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/tether-status} against a real pool of worker JVMs through a real
 * {@link StatusServer}: table, JSON, metrics and probes, a stopped pool that is no longer live,
 * and a client of another uid refused by the peer check alone.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusIT {
  private static final Duration READY = Duration.ofSeconds(60);
  /** The script from the checkout this module is in (failsafe runs in the module's directory). */
  private static final Path SCRIPT = Path.of("..", "scripts", "tether-status").toAbsolutePath()
      .normalize();
  private static final int NOBODY = 65534;

  @TempDir
  Path tmp;
  private final Workers.Output output = new Workers.Output();
  private WorkerPool pool;
  private StatusServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (pool != null) {
      pool.stop();
    }
  }

  private Path startPoolAndServer() throws InterruptedException {
    PoolEchoServer prototype = new PoolEchoServer();
    prototype.configureCommand(b -> b.jvmOptions(Workers.QUICK_JVM));
    pool = WorkerPool.builder(prototype).size(2).bootConcurrency(2).output(output::add).build();
    pool.start();
    assertTrue(pool.awaitState(PoolState.SERVING, READY), "pool not serving: " + pool.status());
    Path socket = tmp.resolve("status").resolve("pool.sock");
    server = StatusServer.start(socket, pool::status);
    return socket;
  }

  @Test
  void tableJsonMetricsAndProbesOfARealPool() throws Exception {
    Path socket = startPoolAndServer();
    PoolStatus status = pool.status();
    Run table = run(List.of(), socket.toString());
    assertEquals(0, table.status, table.toString());
    assertTrue(table.out.startsWith("pool SERVING: 2 of 2 workers ready, 0 requests queued\n"),
        table.toString());
    for (WorkerStatus w : status.workers()) {
      assertTrue(table.out.contains(" " + w.pid() + " "), "pid " + w.pid() + ": " + table);
    }
    Run json = run(List.of(), "--json", socket.toString());
    assertEquals(0, json.status, json.toString());
    assertTrue(json.out.startsWith("{\"state\":\"SERVING\",\"size\":2,\"ready\":2,\"queued\":0,"
        + "\"workers\":[{\"slot\":0,\"pid\":" + status.workers().get(0).pid() + ","),
        json.toString());
    Run metrics = run(List.of(), "--metrics", socket.toString());
    assertTrue(metrics.out.contains("\ntether_pool_workers_ready 2\n"), metrics.toString());
    Run ready = run(List.of(), "--ready", socket.toString());
    assertEquals(0, ready.status, ready.toString());
    assertEquals("ready: 2 of 2 workers ready (minimum 1), pool SERVING\n", ready.out);
    assertEquals(0, run(List.of(), "--live", socket.toString()).status);

    pool.stop();
    Run stopped = run(List.of(), "--live", socket.toString());
    assertEquals(1, stopped.status, stopped.toString());
    // A stopped pool's loop has ended: its status() waits for it in vain (up to 5 s) and the
    // server's deadline (2 s) answers first; a status that came would say STOPPED.
    assertTrue(stopped.err.endsWith("error: no status within 2000 ms: the pool's loop does not"
        + " answer\n") || stopped.err.endsWith("error: not live: the pool is STOPPED\n"),
        stopped.toString());
    server.close();
    Run gone = run(List.of(), "--live", socket.toString());
    assertEquals(1, gone.status, gone.toString());
    assertTrue(gone.err.startsWith("tether-status: cannot reach the status socket " + socket),
        gone.toString());
  }

  @Test
  void anotherUidIsRefusedEvenWhenTheFileModesLetItIn() throws Exception {
    long uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    assertEquals(0, uid, "this test runs the client as uid " + NOBODY + " (nobody) with"
        + " setpriv, which needs root; as uid " + uid + " it cannot show the peer check refusing"
        + " another uid, so it fails rather than skip");
    Path socket = startPoolAndServer();
    // Open every door the file system has, so that only the peer's uid can refuse it.
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    List<String> asNobody = List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
        "--clear-groups");
    Run refused = run(asNobody, "--ready", socket.toString());
    assertEquals(1, refused.status, refused.toString());
    assertEquals("tether-status: " + socket + ": error: uid " + NOBODY + " may not use this"
        + " socket (expected: uid 0)\n", refused.err);
    Run ours = run(List.of(), "--ready", socket.toString());
    assertEquals(0, ours.status, "the owner is still served: " + ours);
  }

  /** Runs the script (after {@code prefix}, e.g. setpriv) with the JVM running this test. */
  private Run run(List<String> prefix, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).directory(tmp.toFile());
    b.environment().put("JAVA", HelloIT.javaExecutable());
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not end within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private record Run(int status, String out, String err) {}
}
