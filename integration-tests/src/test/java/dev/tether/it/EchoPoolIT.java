package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.echo.EchoPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The prefork echo example ({@link EchoPool}) as its own process: echoes, then TERM. */
class EchoPoolIT {
  @Test
  void echoesThroughItsWorkersAndStopsOnTerm() throws Exception {
    List<String> command = new ArrayList<>(List.of(HelloIT.javaExecutable(), "-cp",
        System.getProperty("java.class.path")));
    command.addAll(List.of(Workers.QUICK_JVM));
    command.addAll(List.of(EchoPool.class.getName(), "0", "2"));
    Process pool = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(pool.getInputStream(),
          StandardCharsets.UTF_8));
      String line = out.readLine();
      while (line != null && !line.startsWith("echo pool (pid ")) {
        line = out.readLine();
      }
      assertTrue(line != null, "EchoPool ended without listening");
      String address = line.substring(0, line.indexOf(']'));
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      for (int i = 0; i < 4; i++) { // workers are spawned while the first connections wait
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.setSoTimeout(60_000);
          s.getOutputStream().write(("echo " + i + "\n").getBytes(StandardCharsets.US_ASCII));
          assertEquals("echo " + i, new BufferedReader(new InputStreamReader(s.getInputStream(),
              StandardCharsets.US_ASCII)).readLine());
        }
      }
      assertEquals(2, pool.children().count(), "two workers");
      pool.destroy(); // SIGTERM: a graceful stop
      assertTrue(pool.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, pool.exitValue());
    } finally {
      pool.destroyForcibly();
    }
  }
}
