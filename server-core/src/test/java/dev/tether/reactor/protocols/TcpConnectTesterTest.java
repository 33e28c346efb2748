package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import dev.tether.unix.NativeCallException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpConnectTester against a listening port and a closed one. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpConnectTesterTest {
  @Test
  void succeedsWithTheConnectTimeOnAListeningPortAndFailsOnAClosedOne() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      int closedPort = HttpClientTest.freePort();
      CompletableFuture<Duration> up = runner.call(() -> TcpConnectTester.test(runner.reactor,
          "127.0.0.1", listening.getLocalPort()).toCompletableFuture());
      Duration took = up.get(10, TimeUnit.SECONDS);
      assertTrue(!took.isNegative() && took.compareTo(Duration.ofSeconds(10)) < 0, took.toString());
      listening.accept().close(); // the tester connected for real

      CompletableFuture<Duration> down = runner.call(() -> TcpConnectTester.test(runner.reactor,
          "127.0.0.1", closedPort).toCompletableFuture());
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> down.get(10, TimeUnit.SECONDS));
      assertTrue(refused.getCause() instanceof NativeCallException
          && refused.getCause().getMessage().contains("error(111)"), refused.getCause().toString());
      ReactorRunner.waitFor("no connection left", () -> runner.call(
          runner.reactor::connectionCount) == 0);
      assertThrows(ReactorException.class,
          () -> TcpConnectTester.test(runner.reactor, "127.0.0.1", 1));
    }
  }
}
