package dev.tether.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Leak checks over {@code /proc/self/fd}, robust to what other threads do meanwhile.
 *
 * <p>Why not compare counts: other tests' resources close asynchronously (output pumps at EOF,
 * reactors winding down), so a count taken at one instant can include an fd that is about to go.
 * A leak is an fd open now that was not open, with the same target, in the snapshot; fds that
 * went away are fine. The check waits for that to hold, up to a deadline.
 */
public final class OpenFds {
  private OpenFds() {}

  /** Each open fd of this process and what it points at (the listing's own fd excluded). */
  public static SortedMap<Integer, String> snapshot() {
    SortedMap<Integer, String> fds = new TreeMap<>();
    String self = "/proc/" + ProcessHandle.current().pid() + "/fd";
    try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) list::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (!target.equals(self)) {
            fds.put(Integer.parseInt(fd.getFileName().toString()), target);
          }
        } catch (IOException closedMeanwhile) {
          // not open any more
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fds;
  }

  /** Fds open now that were not open, to the same target, in {@code before}. */
  public static SortedMap<Integer, String> openedSince(Map<Integer, String> before) {
    SortedMap<Integer, String> opened = snapshot();
    opened.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
    return opened;
  }

  /**
   * Waits up to {@code deadline} until no fd is open that was not open in {@code before}.
   *
   * @throws AssertionError naming the leaked fds and their targets
   */
  public static void assertNoneOpenedSince(Map<Integer, String> before, Duration deadline,
      String what) {
    if (!Await.within(deadline, () -> openedSince(before).isEmpty())) {
      throw new AssertionError(
          what + ": fds leaked " + openedSince(before) + " (open before: " + before + ")");
    }
  }

  /**
   * Asserts that the files {@code fds} pointed at in {@code before} are open under no number now
   * (numbers alone prove nothing: the kernel reuses them).
   */
  public static void assertClosed(Map<Integer, String> before, int... fds) {
    Map<Integer, String> now = snapshot();
    for (int fd : fds) {
      if (now.containsValue(before.get(fd))) {
        throw new AssertionError("fd " + fd + " (" + before.get(fd) + ") is still open: " + now);
      }
    }
  }
}
