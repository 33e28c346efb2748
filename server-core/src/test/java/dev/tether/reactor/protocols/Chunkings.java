package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.reactor.Connection;
import dev.tether.reactor.ConnectionInput;
import dev.tether.reactor.ReactorRunner;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Feeds one input to a protocol in every chunking, on the loop: every chunk size from 1 (one byte
 * at a time) to the whole, and every split into two parts. Each chunking gets a fresh connection
 * attached to one end of a real socket pair (so that closing works as in service), fed with
 * direct buffers as the reactor's reads are, and must record the same events.
 */
final class Chunkings {
  /** A protocol connection under test, fed as by the reactor's reads: tells what it saw. */
  interface Fed {
    List<String> events();
  }

  private Chunkings() {}

  /**
   * Asserts that every chunking of {@code input} makes a fresh connection record {@code
   * expected}, followed by "closed: REASON" if the connection closed itself.
   */
  static <C extends Connection & Fed> void assertEveryChunking(ReactorRunner runner,
      Supplier<C> factory, byte[] input, List<String> expected) {
    List<int[]> chunkings = new ArrayList<>();
    for (int size = 1; size <= Math.max(1, input.length); size++) {
      chunkings.add(new int[] {size});
    }
    for (int split = 0; split <= input.length; split++) {
      chunkings.add(new int[] {split, input.length - split});
    }
    for (int[] chunking : chunkings) {
      List<String> events = runner.call(() -> feedOnce(runner, factory, input, chunking));
      assertEquals(expected, events, "chunking " + java.util.Arrays.toString(chunking));
    }
  }

  private static <C extends Connection & Fed> List<String> feedOnce(ReactorRunner runner,
      Supplier<C> factory, byte[] input, int[] chunking) {
    int[] pair = Sockets.pair();
    try {
      C connection = runner.reactor.attach(pair[0], factory.get()); // owns pair[0] now
      int offset = 0;
      int part = 0;
      while (offset < input.length) {
        int size = chunking.length == 1 ? chunking[0] : chunking[part++];
        int n = Math.min(size, input.length - offset);
        ByteBuffer chunk = ByteBuffer.allocateDirect(n);
        chunk.put(input, offset, n).flip();
        if (connection.isOpen()) {
          ConnectionInput.receiveData(connection, chunk);
        }
        offset += n;
      }
      List<String> events = new ArrayList<>(connection.events());
      if (!connection.isOpen()) {
        Throwable reason = connection.closeReason();
        events.add("closed: " + (reason == null ? null : reason.getMessage()));
      }
      connection.closeConnection();
      return events;
    } finally {
      Io.close(pair[1]);
    }
  }
}
