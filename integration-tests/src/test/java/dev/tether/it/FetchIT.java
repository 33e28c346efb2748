package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.fetch.Fetch;
import dev.tether.examples.http.HttpHello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Fetch example as its own JVM, against the HttpHello example as another. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FetchIT {
  @Test
  void fetchPrintsTheBodyOfHttpHelloAndFailsOnARefusedConnect() throws Exception {
    try (ExampleProcess hello = ExampleProcess.start(HttpHello.class, "0")) {
      String listening = hello.stdout().awaitLine(
          l -> l.startsWith("http hello listening on "), Workers.JVM_START);
      String port = listening.substring(listening.lastIndexOf(':') + 1);
      try (ExampleProcess fetch = ExampleProcess.start(Fetch.class,
          "http://127.0.0.1:" + port + "/")) {
        assertEquals(0, fetch.awaitExit(Workers.JVM_START));
        awaitEnd(fetch);
        assertEquals("Hello, world!\n", fetch.stdout().text());
        assertTrue(fetch.stderr().lines().contains("HTTP/1.1 200 OK"), fetch.stderr().text());
      }
      assertEquals(143, hello.terminate(Workers.JVM_START));
    }
    try (ExampleProcess refused = ExampleProcess.start(Fetch.class, "http://127.0.0.1:1/")) {
      assertEquals(1, refused.awaitExit(Workers.JVM_START));
      awaitEnd(refused);
      assertTrue(refused.stderr().text().contains("failed with error(111)"),
          refused.stderr().text());
    }
  }

  private static void awaitEnd(ExampleProcess process) throws InterruptedException {
    Workers.await(() -> process.stdout().ended() && process.stderr().ended(), Workers.JVM_START,
        () -> "the output of " + process);
  }
}
