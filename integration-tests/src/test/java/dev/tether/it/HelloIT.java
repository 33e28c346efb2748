package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.hello.HelloSupervisor;
import dev.tether.examples.hello.MyServer;
import dev.tether.reactor.ExitStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seed's example, for real: a MyServer worker JVM greets Joe Dalton. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HelloIT {

  @Test
  void myServerAnswersHelloInAChildJvm() {
    Workers.Output output = new Workers.Output();
    MyServer server = Workers.quick(new MyServer(), output);
    server.start();
    int pid = server.serverPid();
    assertNotEquals(ProcessHandle.current().pid(), pid);
    assertTrue(Workers.running(pid));
    assertEquals(List.of("Hello Joe Dalton, how are you?", "1234"), server.hello("Joe", "Dalton"));
    assertEquals(List.of("Hello Averell Dalton, how are you?", "1234"),
        server.hello("Averell", "Dalton"));
    assertEquals(new ExitStatus.Exited(0), server.stop());
    assertFalse(Workers.running(pid));
    assertFalse(server.isStarted());
    assertTrue(output.lines.isEmpty(), () -> "worker printed " + output.lines);
  }

  @Test
  void helloSupervisorMainPrintsTheReply() throws Exception {
    Process p = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
        HelloSupervisor.class.getName()).redirectErrorStream(true).start();
    String out;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      out = r.lines().collect(Collectors.joining("\n"));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("The server said: Hello Joe Dalton, how are you?"), out);
    assertTrue(out.contains("In addition, it sent this pointless number: 1234"), out);
    assertTrue(out.contains("ended: Exited[code=0]"), out);
  }

  static String javaExecutable() {
    return ProcessHandle.current().info().command().orElseThrow();
  }
}
