package dev.tether.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.reactor.Reactor;
import java.io.DataInputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoServerTest {
  @Test
  void echoesEveryByteValueOnItsOwnReactor() throws Exception {
    try (EchoServer echo = EchoServer.start(0)) {
      byte[] data = new byte[1 << 20];
      new Random(3).nextBytes(data);
      try (Socket s = new Socket("127.0.0.1", echo.port())) {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            s.getOutputStream().write(data);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        byte[] back = new byte[data.length];
        new DataInputStream(s.getInputStream()).readFully(back);
        writer.join();
        assertArrayEquals(data, back);
      }
      int port = echo.port();
      echo.close();
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
  }

  @Test
  void runsOnAGivenReactor() throws Exception {
    Reactor reactor = new Reactor("given");
    CountDownLatch running = new CountDownLatch(1);
    Thread t = new Thread(() -> reactor.run(running::countDown), "given-reactor");
    t.start();
    running.await();
    try (EchoServer echo = EchoServer.start(reactor, 0);
        Socket s = new Socket("127.0.0.1", echo.port())) {
      s.getOutputStream().write(new byte[] {0, (byte) 255, 10, 13});
      byte[] back = new byte[4];
      new DataInputStream(s.getInputStream()).readFully(back);
      assertArrayEquals(new byte[] {0, (byte) 255, 10, 13}, back);
    } finally {
      reactor.stop();
      t.join(10_000);
    }
    assertEquals(false, t.isAlive());
  }

  @Test
  void rejectsABadPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EchoServer.start(70000));
    assertEquals("port : 70000 (expected: 0..65535)", e.getMessage());
  }
}
