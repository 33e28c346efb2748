package dev.tether.reactor;

import dev.tether.testing.OpenFds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LifecycleTest {
  @TempDir Path dir;

  @Test
  void initRunsInsideTheLoopAndStopFromAnotherThreadEndsRun() {
    Reactor reactor = new Reactor("life");
    AtomicBoolean initOnLoop = new AtomicBoolean();
    assertFalse(reactor.isRunning());
    try (ReactorRunner runner = new ReactorRunner(reactor)) {
      assertTrue(reactor.isRunning());
      assertFalse(reactor.inReactorThread());
      runner.run(() -> initOnLoop.set(reactor.inReactorThread() && reactor.isRunning()));
      runner.stop();
    }
    assertTrue(initOnLoop.get());
    assertFalse(reactor.isRunning());
  }

  @Test
  void loopThreadOnlyMethodsRejectOtherThreads() {
    try (ReactorRunner runner = new ReactorRunner()) {
      ReactorException e = assertThrows(ReactorException.class,
          () -> runner.reactor.addTimer(Duration.ofMillis(1), () -> {}));
      assertTrue(e.getMessage().contains("expected: the reactor thread"), e.getMessage());
      assertThrows(ReactorException.class, () -> runner.reactor.connectionCount());
    }
  }

  @Test
  void runWhileRunningIsRefused() {
    try (ReactorRunner runner = new ReactorRunner()) {
      assertThrows(ReactorException.class, () -> runner.reactor.run(() -> {}));
    }
  }

  @Test
  void stopClosesConnectionsThenRunsHooksInReverseOrder() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    Echo accepted = new Echo() {
      @Override
      protected void unbind() {
        super.unbind();
        order.add("unbind");
      }
    };
    try (ReactorRunner runner = new ReactorRunner()) {
      Server server = runner.call(() -> {
        runner.reactor.addShutdownHook(() -> order.add("hook1"));
        runner.reactor.addShutdownHook(() -> order.add("hook2"));
        runner.reactor.addShutdownHook(() -> order.add("hook3"));
        return runner.reactor.startServer("127.0.0.1", 0, () -> accepted);
      });
      try (Socket client = new Socket()) {
        client.connect(server.localAddress());
        ReactorRunner.waitFor("accept",
            () -> runner.call(() -> runner.reactor.connectionCount()) == 1);
        runner.stop();
        assertEquals(-1, client.getInputStream().read(), "server side closed by stop()");
      }
    }
    assertEquals(List.of("unbind", "hook3", "hook2", "hook1"), order);
  }

  @Test
  void nothingLeftAfterStop() throws Exception {
    ReactorRunner.warmUp();
    var fdsBefore = OpenFds.snapshot();
    int threadsBefore = Thread.activeCount();
    for (int round = 0; round < 3; round++) {
      Reactor reactor = new Reactor("leak");
      try (ReactorRunner runner = new ReactorRunner(reactor)) {
        Path path = dir.resolve("s" + round);
        Server tcp = runner.call(() -> reactor.startServer("127.0.0.1", 0, Echo::new));
        runner.call(() -> reactor.startUnixServer(path, Echo::new));
        Echo outgoing = runner.call(() -> reactor.connectUnix(path, new Echo()));
        runner.run(() -> reactor.addPeriodicTimer(Duration.ofMillis(5), () -> {}));
        AtomicBoolean deferred = new AtomicBoolean();
        reactor.defer(() -> 42, v -> deferred.set(true));
        ReactorRunner.waitFor("defer", deferred::get);
        try (Socket client = new Socket()) {
          client.connect(tcp.localAddress());
          OutputStream out = client.getOutputStream();
          InputStream in = client.getInputStream();
          out.write(7);
          assertEquals(7, in.read());
          ReactorRunner.waitFor("connections", () -> runner.call(reactor::connectionCount) == 3);
          runner.stop();
          assertEquals(-1, in.read());
        }
        assertTrue(outgoing.unbound);
        assertFalse(Files.exists(path), "unix socket file removed");
      }
    }
    ReactorRunner.waitFor("defer threads to end", () -> Thread.activeCount() <= threadsBefore);
    OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10), "after stop");
    List<String> deferThreads = new ArrayList<>();
    Thread.getAllStackTraces().keySet().forEach(t -> {
      if (t.getName().startsWith("leak-")) {
        deferThreads.add(t.getName());
      }
    });
    assertEquals(List.of(), deferThreads);
  }

  @Test
  void postLoopCallbackCanEndTheLoop() {
    Reactor reactor = new Reactor();
    int[] turns = new int[1];
    reactor.setPostLoop(() -> ++turns[0] < 5);
    reactor.run(() -> reactor.addPeriodicTimer(Duration.ofMillis(1), () -> {}));
    assertEquals(5, turns[0]);
    assertFalse(reactor.isRunning());
  }

  @Test
  void reactorCanRunAgainAfterStop() {
    Reactor reactor = new Reactor();
    for (int i = 0; i < 2; i++) {
      InetSocketAddress[] bound = new InetSocketAddress[1];
      reactor.run(() -> {
        bound[0] = (InetSocketAddress) reactor.startServer("127.0.0.1", 0,
            Echo::new).localAddress();
        reactor.stop();
      });
      assertTrue(bound[0].getPort() > 0);
    }
  }
}
