package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** connect(host, ...) resolves names off the loop; literals connect at once. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncConnectTest {
  @Test
  void aSlowResolutionOfLocalhostNeverBlocksTheLoop() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Thread> resolvedOn = new AtomicReference<>();
    AtomicInteger ticks = new AtomicInteger();
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Reactor r = runner.reactor;
      NameResolver slow = host -> {
        resolvedOn.set(Thread.currentThread());
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new UnknownHostException("interrupted");
        }
        return NameResolver.SYSTEM.resolve(host);
      };
      runner.run(() -> r.setNameResolver(slow));
      Echo client = runner.call(() -> {
        r.addPeriodicTimer(Duration.ofMillis(5), ticks::incrementAndGet);
        Echo c = r.connect("localhost", peer.getLocalPort(), new Echo());
        c.sendData("queued while resolving".getBytes(StandardCharsets.US_ASCII));
        return c;
      });
      assertEquals("[postInit]", client.events.toString());
      ReactorRunner.waitFor("the resolver called", () -> resolvedOn.get() != null);
      int before = ticks.get();
      // The resolver is blocked; the loop keeps firing its timer meanwhile.
      ReactorRunner.waitFor("20 ticks during the resolution", () -> ticks.get() >= before + 20);
      assertTrue(runner.call(() -> r.descriptors().values().stream()
          .anyMatch(v -> v.startsWith("connection " + Echo.class.getName()
              + "[resolving its peer, fd "))));
      assertTrue(runner.call(client::isOpen));
      assertFalse(client.events.contains("completed"));
      release.countDown();
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed", () -> client.events.contains("completed"));
        InputStream in = accepted.getInputStream();
        assertEquals("queued while resolving",
            new String(in.readNBytes(22), StandardCharsets.US_ASCII));
      }
      assertNotSame(runner.call(Thread::currentThread), resolvedOn.get());
      assertTrue(resolvedOn.get().getName().startsWith("test-defer-"), resolvedOn.get().getName());
    }
  }

  @Test
  void aNameThatDoesNotResolveReachesUnbindAsUnknownHostException() {
    try (ReactorRunner runner = new ReactorRunner()) {
      Echo client = runner.call(() -> runner.reactor.connect("no-such-host.invalid", 80,
          new Echo()));
      ReactorRunner.waitFor("unbind", () -> client.unbound);
      assertTrue(client.reason instanceof UnknownHostException, String.valueOf(client.reason));
      assertEquals("[postInit, unbind]", client.events.toString());
      assertEquals(0, (int) runner.call(runner.reactor::connectionCount));
    }
  }

  @Test
  void aLiteralAddressNeverReachesTheResolver() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      runner.run(() -> runner.reactor.setNameResolver(host -> {
        throw new AssertionError("resolver called for " + host);
      }));
      Echo client = runner.call(() -> runner.reactor.connect("127.0.0.1", peer.getLocalPort(),
          new Echo()));
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed", () -> client.events.contains("completed"));
      }
    }
  }

  @Test
  void closingOrTimingOutWhileResolvingReleasesThePlaceholderFd() throws Exception {
    ReactorRunner.warmUp();
    CountDownLatch release = new CountDownLatch(1);
    try (ReactorRunner runner = new ReactorRunner()) {
      Reactor r = runner.reactor;
      runner.run(() -> r.setNameResolver(host -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new InetAddress[] {InetAddress.getLoopbackAddress()};
      }));
      java.util.Map<Integer, String> fdsBefore = OpenFds.snapshot();
      Echo closed = runner.call(() -> r.connect("closed.example", 9, new Echo()));
      runner.run(closed::closeConnection);
      assertTrue(closed.unbound);
      assertNull(closed.reason);
      runner.run(() -> r.setPendingConnectTimeout(Duration.ofMillis(100)));
      Echo timedOut = runner.call(() -> r.connect("slow.example", 9, new Echo()));
      ReactorRunner.waitFor("timed out", () -> timedOut.unbound);
      assertTrue(timedOut.reason instanceof ConnectionTimeoutException,
          String.valueOf(timedOut.reason));
      release.countDown();
      ReactorRunner.waitFor("resolutions finished", r::defersFinished);
      assertEquals(0, (int) runner.call(r::connectionCount));
      OpenFds.assertNoneOpenedSince(fdsBefore, Duration.ofSeconds(10), "resolving connects");
    }
  }

  @Test
  void anUnresolvedSocketAddressIsResolvedTheSameWay() throws Exception {
    try (ReactorRunner runner = new ReactorRunner();
        ServerSocket peer = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Echo client = runner.call(() -> runner.reactor.connect(
          java.net.InetSocketAddress.createUnresolved("localhost", peer.getLocalPort()),
          new Echo()));
      try (Socket accepted = peer.accept()) {
        ReactorRunner.waitFor("completed", () -> client.events.contains("completed"));
        accepted.getOutputStream().write(7);
        assertEquals(7, accepted.getInputStream().read()); // Echo echoes it back
      }
    }
  }
}
