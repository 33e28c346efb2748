package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.testing.OpenFds;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A connection that cannot be accepted or set up costs that connection only, not the server. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ListenerTest {
  private static final int RLIMIT_NOFILE = 7;

  /** getrlimit/setrlimit (struct rlimit: soft, hard), to make accept4 fail with EMFILE. */
  public interface Rlimits {
    int getrlimit(int resource, long[] limits);

    int setrlimit(int resource, long[] limits);
  }

  @Test
  void aConnectionThatCannotBeAdoptedIsClosedAndTheServerAcceptsOn() throws Exception {
    ReactorRunner.warmUp();
    Reactor r = new Reactor("listener");
    List<String> failedCallbacks = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    r.setErrorHandler((error, callback) -> {
      errors.add(error);
      failedCallbacks.add(callback);
    });
    try (ReactorRunner runner = new ReactorRunner(r)) {
      // The second accepted fd gets the first one's (bound) connection again: adopting it throws.
      Echo first = new Echo();
      AtomicInteger accepts = new AtomicInteger();
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0,
          () -> accepts.getAndIncrement() < 2 ? first : new Echo()));
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (Socket one = new Socket("127.0.0.1", port)) {
        assertEchoes(one, (byte) 1);
        Map<Integer, String> before = OpenFds.snapshot();
        try (Socket two = new Socket("127.0.0.1", port)) {
          two.setSoTimeout(10_000);
          assertEquals(-1, two.getInputStream().read(), "the server closed the connection");
        }
        ReactorRunner.waitFor("the failure reported", () -> !errors.isEmpty());
        ReactorException e = assertInstanceOf(ReactorException.class, errors.get(0));
        assertTrue(e.getMessage().contains("is already bound"), e.getMessage());
        OpenFds.assertNoneOpenedSince(before, Duration.ofSeconds(10), "failed adopt");
        assertTrue(runner.call(server::isListening), "one failed connection closed the server");
        try (Socket three = new Socket("127.0.0.1", port)) {
          assertEchoes(three, (byte) 3);
          assertEchoes(one, (byte) 4);
          assertEquals(List.of("postInit"), first.events, "the bound connection is undisturbed");
          assertEquals(2, (int) runner.call(r::connectionCount));
        }
      }
      assertEquals(1, errors.size(), "errors: " + errors + " in " + failedCallbacks);
    }
  }

  @Test
  void acceptFailingWithEmfileBacksOffWithoutClosingTheServer() throws Exception {
    ReactorRunner.warmUp();
    Rlimits libc = LibraryLoader.create(Rlimits.class).load("c");
    long[] saved = new long[2];
    assertEquals(0, libc.getrlimit(RLIMIT_NOFILE, saved));
    try (ReactorRunner runner = new ReactorRunner();
        SocketChannel client = SocketChannel.open()) {
      Reactor r = runner.reactor;
      Server server = runner.call(() -> r.startServer("127.0.0.1", 0, Echo::new));
      // While no fd can be opened, no class file can be read either: have the reactor load what
      // it will need then (a refused connect makes and describes a NativeCallException).
      int refusedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        refusedPort = s.getLocalPort();
      }
      Echo refused = runner.call(() -> r.connect("127.0.0.1", refusedPort, new Echo()));
      ReactorRunner.waitFor("refused connect", () -> refused.unbound);

      List<FileChannel> fillers = new ArrayList<>();
      int lowestFree = 0;
      while (OpenFds.snapshot().containsKey(lowestFree)) {
        lowestFree++;
      }
      try {
        // Every fd number below the soft limit in use: the next fd anyone opens fails (EMFILE).
        assertEquals(0, libc.setrlimit(RLIMIT_NOFILE, new long[] {lowestFree, saved[1]}));
        try {
          while (true) {
            fillers.add(FileChannel.open(Path.of("/dev/null")));
          }
        } catch (IOException full) {
          // every hole below the limit is filled
        }
        client.connect(server.localAddress());
        ReactorRunner.waitFor("the listener backing off",
            () -> runner.call(() -> server.listener.registered) < 0);
        assertTrue(runner.call(server::isListening), "EMFILE closed the server");
        assertEquals(0, (int) runner.call(r::connectionCount));
      } finally {
        int restored = libc.setrlimit(RLIMIT_NOFILE, saved);
        for (FileChannel f : fillers) {
          f.close();
        }
        assertEquals(0, restored, "setrlimit back to " + saved[0]);
      }
      // Back in the poll set after the back-off, the listener accepts the connection that waited.
      client.socket().setSoTimeout(10_000);
      client.write(ByteBuffer.wrap(new byte[] {7}));
      ByteBuffer echoed = ByteBuffer.allocate(1);
      assertEquals(1, client.socket().getInputStream().read(echoed.array()));
      assertEquals(7, echoed.get(0));
      assertTrue(runner.call(server::isListening));
    }
  }

  private static void assertEchoes(Socket client, byte b) throws IOException {
    client.setSoTimeout(10_000);
    client.getOutputStream().write(b);
    byte[] echoed = new byte[1];
    new DataInputStream(client.getInputStream()).readFully(echoed);
    assertArrayEquals(new byte[] {b}, echoed);
  }
}
