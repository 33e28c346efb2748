package dev.tether.reactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hot path (poll, read, receiveData, write) allocates nothing per message once warm. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SteadyStateAllocationTest {
  private static final int WARM_UP = 20_000;
  private static final int MEASURED = 20_000;

  @Test
  void echoingAllocatesNothingPerMessage() throws Exception {
    // com.sun.management is not readable from the module at compile time: reflect.
    Object threads = ManagementFactory.getThreadMXBean();
    java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getThreadAllocatedBytes", long.class);
    try (ReactorRunner runner = new ReactorRunner()) {
      long reactorThread = runner.call(() -> Thread.currentThread().getId());
      Server server = runner.call(() -> runner.reactor.startServer("127.0.0.1", 0, Echo::new));
      try (Socket client = new Socket()) {
        client.setTcpNoDelay(true);
        client.connect(server.localAddress());
        OutputStream out = client.getOutputStream();
        DataInputStream in = new DataInputStream(client.getInputStream());
        byte[] message = new byte[64];
        byte[] reply = new byte[64];
        for (int i = 0; i < WARM_UP; i++) {
          message[0] = (byte) i;
          out.write(message);
          in.readFully(reply);
        }
        long before = (long) allocatedBytes.invoke(threads, reactorThread);
        for (int i = 0; i < MEASURED; i++) {
          message[0] = (byte) i;
          out.write(message);
          in.readFully(reply);
        }
        long allocated = (long) allocatedBytes.invoke(threads, reactorThread) - before;
        assertArrayEquals(message, reply);
        // Allow a little slack for one-off allocations (a TLAB refill, a JIT deopt), far below
        // one object per message.
        assertTrue(allocated < MEASURED, "reactor thread allocated " + allocated + " bytes for "
            + MEASURED + " echoed messages (" + (double) allocated / MEASURED + " per message)");
        System.out.println("steady-state allocation: " + allocated + " bytes for " + MEASURED
            + " round trips");
      }
    }
  }
}
