package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.codec.WireFormat;
import dev.tether.reactor.ExitStatus;
import dev.tether.testing.Await;
import dev.tether.testing.OpenFds;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's leak check for fd passing: 20,000 fds each way between supervisor and worker leave
 * the supervisor's fds, threads and children as they were, and the worker's fd count too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManyFdsIT {
  static final int FDS = 20_000;
  /** Messages that carry a single fd, before the full ones: the per-message cost shows too. */
  static final int SINGLES = 200;
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void twentyThousandFdsEachWayLeakNothing(@TempDir Path dir) throws Exception {
    Path sink = dir.resolve("written-through-passed-fds");
    Path source = dir.resolve("read-through-passed-fds");
    Files.writeString(source, "s");
    // A first worker loads what start, stop and fd passing load for good, in both processes.
    FaultyServer server = Workers.quick(new FaultyServer(), new Workers.Output());
    server.start();
    try (FileOutputStream out = new FileOutputStream(sink.toFile(), true)) {
      toWorker(server.server(), out.getFD(), 1);
      fromWorker(server.server(), source, 1);
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }
    Files.delete(sink);
    Await.until("warm-up worker to be gone", DEADLINE, ManyFdsIT::noChildren);
    Map<Integer, String> fds = OpenFds.snapshot();
    int threads = Thread.activeCount();

    server.start();
    try (FileOutputStream out = new FileOutputStream(sink.toFile(), true)) {
      MessageChannel channel = server.server();
      // Once each way first, so that the worker has loaded what passing fds needs; and a
      // deferred operation, which waits for the worker's reactor (its epoll and eventfd).
      toWorker(channel, out.getFD(), 1);
      fromWorker(channel, source, 1);
      channel.write("slow");
      assertEquals(List.of("released"), server.call("release"));
      assertEquals("slow_done", channel.read().get(0));
      List<String> workerFdsBefore = workerFds(server);

      long t0 = System.nanoTime();
      int sent = 1;
      for (int n : batches(FDS - 1)) {
        toWorker(channel, out.getFD(), n);
        sent += n;
      }
      long t1 = System.nanoTime();
      int received = 1;
      for (int n : batches(FDS - 1)) {
        fromWorker(channel, source, n);
        received += n;
      }
      long t2 = System.nanoTime();
      System.err.printf("%d fds to the worker in %d ms, %d back in %d ms%n",
          sent, (t1 - t0) / 1_000_000, received, (t2 - t1) / 1_000_000);
      assertEquals(FDS, sent);
      assertEquals(FDS, received);
      // Each fd the worker got wrote one byte into the (appending) file.
      assertEquals(FDS, Files.size(sink));

      List<String> workerFdsAfter = workerFds(server);
      assertTrue(workerFdsAfter.size() <= workerFdsBefore.size(),
          "the worker's fds grew from " + workerFdsBefore.size() + " to "
              + workerFdsAfter.size() + ": before " + workerFdsBefore + ", after "
              + workerFdsAfter);
    } finally {
      assertEquals(new ExitStatus.Exited(0), server.stop());
    }

    Await.until("no child process left", DEADLINE, ManyFdsIT::noChildren);
    Await.until("reaper and capture threads to end", DEADLINE,
        () -> Thread.activeCount() <= threads);
    OpenFds.assertNoneOpenedSince(fds, DEADLINE, FDS + " fds each way");
  }

  /** {@code total} split into {@link #SINGLES} ones, then as many full messages as fit. */
  private static List<Integer> batches(int total) {
    List<Integer> sizes = new ArrayList<>();
    int left = total;
    for (int i = 0; i < SINGLES && left > 0; i++, left--) {
      sizes.add(1);
    }
    for (; left > 0; left -= sizes.get(sizes.size() - 1)) {
      sizes.add(Math.min(left, WireFormat.MAX_FDS_PER_MESSAGE));
    }
    return sizes;
  }

  /**
   * Passes {@code fd} {@code n} times on one message: the worker gets n fds of its own (the kernel
   * duplicates each), writes a byte through each and closes it.
   */
  private static void toWorker(MessageChannel channel, FileDescriptor fd, int n) {
    FileDescriptor[] copies = new FileDescriptor[n];
    Arrays.fill(copies, fd);
    channel.writeWithFds(List.of("write_into", "x"), copies);
    assertEquals(List.of("written", Integer.toString(n)), channel.read());
  }

  /**
   * Has the worker open {@code file} {@code n} times and pass the fds; each must be an open file
   * description of its own (reading its first byte proves it), and is closed after.
   */
  private static void fromWorker(MessageChannel channel, Path file, int n) throws Exception {
    channel.write("open_file", file.toString(), Integer.toString(n));
    try (ReceivedMessage m = channel.readWithFds()) {
      assertEquals(List.of("file"), m.elements());
      assertEquals(n, m.fds().size());
      for (FileDescriptor fd : m.fds()) {
        try (FileInputStream in = new FileInputStream(fd)) { // closes the fd: ours
          assertEquals('s', in.read());
        }
      }
    }
  }

  /** The worker's open fds (each "N target flags"), as it lists them. */
  private static List<String> workerFds(FaultyServer server) {
    List<String> listing = server.call("fds");
    assertEquals("fds", listing.get(0));
    return listing.subList(1, listing.size());
  }

  private static boolean noChildren() {
    return ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive);
  }
}
