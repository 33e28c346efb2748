package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.examples.echo.EchoPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The prefork echo example ({@link EchoPool}) as its own process: echoes, then TERM. */
class EchoPoolIT {
  @Test
  void echoesThroughItsWorkersAndStopsOnTerm() throws Exception {
    try (ExampleProcess pool = ExampleProcess.startQuick(EchoPool.class, "0", "2")) {
      String line = pool.stdout().awaitLine(l -> l.startsWith("echo pool (pid "),
          Duration.ofSeconds(90));
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
      assertEquals(2, pool.handle().children().count(), "two workers");
      assertEquals(0, pool.terminate(Duration.ofSeconds(60))); // SIGTERM: a graceful stop
    }
  }
}
