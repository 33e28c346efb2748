package dev.tether.channel.internal;

import dev.tether.channel.MissingFdsException;
import dev.tether.channel.UnexpectedFdsException;
import java.io.FileDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Received file descriptors waiting for the frame they came with, matched by stream offset.
 *
 * <p>Why offsets: a recvmsg can return ordinary bytes before the bytes that carried fds, but the
 * kernel ends the read right after the segment that carried them. So fds that arrived with a read
 * ending at stream offset E belong to the unit containing byte E-1: for a unit spanning
 * {@code [start, end)} that is {@code start < E <= end}. This class owns the queued fds until
 * {@link #take} hands them out; {@link #closeAll} closes whatever is left.
 *
 * <p>Not thread-safe: used by one {@link FrameReader}.
 */
public final class InboundFds {
  private record Arrival(FileDescriptor fd, long streamEnd) {}

  private final ArrayDeque<Arrival> queue = new ArrayDeque<>();

  /** Queues fds that arrived with a read ending at stream offset {@code streamEnd}. */
  public void add(FileDescriptor[] fds, long streamEnd) {
    for (FileDescriptor fd : fds) {
      queue.add(new Arrival(fd, streamEnd));
    }
  }

  /**
   * Hands over exactly the {@code count} fds of the unit {@code [start, end)}; the caller owns
   * them. Fds that came with a unit that announced none (a plain frame, a scalar; or before this
   * unit) are closed and logged, never an error: a reader on plain streams cannot see them (the
   * kernel discards fds that read(2) meets), and the same input must get the same outcome in
   * every mode.
   *
   * @throws MissingFdsException if fewer than {@code count} came with the unit
   * @throws UnexpectedFdsException if more than {@code count} (at least 1) came; closed them
   */
  public List<FileDescriptor> take(int count, long start, long end, String unit) {
    if (count == 0 && queue.isEmpty()) {
      return List.of(); // almost every unit: nothing to match
    }
    List<FileDescriptor> taken = new ArrayList<>(count);
    int stray = 0;
    while (!queue.isEmpty() && queue.peek().streamEnd() <= end) {
      Arrival arrival = queue.poll();
      if (arrival.streamEnd() <= start || count == 0) {
        Fds.close(arrival.fd());
        stray++;
      } else {
        taken.add(arrival.fd());
      }
    }
    if (stray > 0) {
      LoggerFactory.getLogger(InboundFds.class).warn("{} fd(s) came with no unit that announced"
          + " them (before stream offset {}, at the {}); closed them", stray, end, unit);
    }
    if (taken.size() == count) {
      return taken;
    }
    taken.forEach(Fds::close);
    if (taken.size() < count) {
      throw new MissingFdsException(
          unit + " promised " + count + " fd(s) but " + taken.size() + " came with it");
    }
    throw new UnexpectedFdsException(
        unit + " came with " + taken.size() + " fd(s) (expected: " + count + "); closed them");
  }

  /** Closes every fd still waiting. */
  public void closeAll() {
    while (!queue.isEmpty()) {
      Fds.close(queue.poll().fd());
    }
  }
}
