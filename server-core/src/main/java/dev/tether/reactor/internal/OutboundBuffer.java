package dev.tether.reactor.internal;

import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.RegularFiles;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's unwritten data: pooled direct chunks interleaved with callbacks that must run
 * once every byte queued before them is written (Danga::Socket's write of a code ref), and with
 * fd carriers (one 0x00 byte sent with SCM_RIGHTS, counted as one byte), and with {@link
 * FileRegion}s, sent with sendfile(2) and counted as their unsent bytes. Not thread-safe: reactor
 * thread only. {@link #release} returns the chunks to the pool, closes the carriers' fds and the
 * regions' files.
 */
public final class OutboundBuffer {
  /** {@link #flush}: everything was written. */
  public static final int EMPTY = 0;
  /** {@link #flush}: the fd would block; wait for WRITE readiness. */
  public static final int BLOCKED = 1;
  /** {@link #flush}: a callback is due; take it with {@link #pollCallback()}. */
  public static final int CALLBACK = 2;
  /** {@link #flush}: the file of the region at the head ended early: {@link #truncation()}. */
  public static final int TRUNCATED = 3;
  /** Most bytes one sendfile(2) call is asked for, so one huge region cannot hog a turn. */
  private static final long SENDFILE_MAX = 1 << 20;

  /** The byte of {@link #appendFds}, with the fds it owns. */
  private static final class FdCarrier {
    final int[] fds;

    FdCarrier(int[] fds) {
      this.fds = fds;
    }
  }

  private final ChunkPool pool;
  private final FdSender fdSender;
  private final ArrayDeque<Object> entries = new ArrayDeque<>();
  /** Weight of one queued fd against the watermarks: {@link #weight()}. */
  public static final int FD_WEIGHT = 1024;

  private long bytes;
  private int queuedFds;
  private ChunkWriter writer;

  /** Writes queued bytes in place of send(2)/write(2) ({@link #setWriter}). */
  public interface ChunkWriter {
    /**
     * Writes some of {@code chunk}'s remaining bytes to {@code fd}: the count (fewer than all:
     * wait for writability), or -errno. {@code chunk} is lent for the call.
     */
    long write(int fd, ByteBuffer chunk);
  }

  /** A buffer taking chunks from {@code pool} and sending fd carriers with {@code fdSender}. */
  public OutboundBuffer(ChunkPool pool, FdSender fdSender) {
    this.pool = pool;
    this.fdSender = fdSender;
  }

  /** Makes {@link #flush} write byte chunks with {@code writer}; null: send(2)/write(2). */
  public void setWriter(ChunkWriter writer) {
    this.writer = writer;
  }

  /** Bytes queued and not yet written. */
  public long bytes() {
    return bytes;
  }

  /** Whether nothing (no bytes, no callback) is queued. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Copies {@code src}'s remaining bytes in; consumes them. */
  public void append(ByteBuffer src) {
    while (src.hasRemaining()) {
      Object last = entries.peekLast();
      ChunkPool.Chunk tail;
      if (last instanceof ChunkPool.Chunk
          && ((ChunkPool.Chunk) last).write < ChunkPool.CHUNK_SIZE) {
        tail = (ChunkPool.Chunk) last;
      } else {
        tail = pool.take();
        entries.addLast(tail);
      }
      int n = Math.min(src.remaining(), ChunkPool.CHUNK_SIZE - tail.write);
      int limit = src.limit();
      src.limit(src.position() + n);
      tail.buffer.clear().position(tail.write);
      tail.buffer.put(src);
      src.limit(limit);
      tail.write += n;
      bytes += n;
    }
  }

  /**
   * Queues one 0x00 byte carrying {@code fds} behind the bytes queued so far. <b>Takes
   * ownership</b> of {@code fds}: they are closed once sent or on {@link #release}.
   */
  public void appendFds(int[] fds) {
    entries.addLast(new FdCarrier(fds));
    bytes++;
    queuedFds += fds.length;
  }

  /**
   * What the queue weighs against the watermarks: its bytes, and {@value #FD_WEIGHT} for each
   * queued fd (a duplicate the connection holds open), so that a peer that never reads cannot
   * make a writer of fds hold an unbounded number of them.
   */
  public long weight() {
    return bytes + (long) queuedFds * FD_WEIGHT;
  }

  /**
   * Queues {@code region} behind the bytes queued so far, then its completion as a callback.
   * <b>Takes ownership</b> of its file. Its unsent bytes count in {@link #bytes()}.
   */
  public void appendRegion(FileRegion region) {
    entries.addLast(region);
    bytes += region.remaining();
  }

  /** Whether the head is a file region (so a failed flush was a sendfile). */
  public boolean sendingFile() {
    return entries.peekFirst() instanceof FileRegion;
  }

  /** The error of the region at the head, after {@link #flush} said {@link #TRUNCATED}. */
  public Exception truncation() {
    return ((FileRegion) entries.peekFirst()).truncated();
  }

  /** Queues a callback behind the bytes queued so far. */
  public void appendCallback(Runnable callback) {
    entries.addLast(callback);
  }

  /**
   * Writes queued bytes to {@code fd} (carriers with their fds) until it would block, a callback
   * is due, or the buffer is empty. Returns {@link #EMPTY}, {@link #BLOCKED}, {@link #CALLBACK},
   * or {@code -errno}.
   */
  public int flush(int fd, boolean socket) {
    for (;;) {
      Object head = entries.peekFirst();
      if (head == null) {
        return EMPTY;
      }
      if (head instanceof FileRegion) {
        FileRegion region = (FileRegion) head;
        if (region.remaining() == 0) {
          return CALLBACK; // the region is its own completion callback
        }
        long n = RegularFiles.sendfile(fd, region.fd(), Math.min(region.remaining(),
            SENDFILE_MAX));
        if (n < 0) {
          if (n == -Linux.EINTR) {
            continue;
          }
          return n == -Linux.EAGAIN ? BLOCKED : (int) n;
        }
        if (n == 0) {
          return TRUNCATED;
        }
        region.sent(n);
        bytes -= n;
        continue;
      }
      if (head instanceof Runnable) {
        return CALLBACK;
      }
      if (head instanceof FdCarrier) {
        FdCarrier carrier = (FdCarrier) head;
        int sent = fdSender.send(fd, carrier.fds);
        if (sent != FdSender.SENT) {
          return sent == FdSender.BLOCKED ? BLOCKED : sent;
        }
        entries.pollFirst();
        bytes--;
        queuedFds -= carrier.fds.length;
        closeAll(carrier.fds);
        continue;
      }
      ChunkPool.Chunk chunk = (ChunkPool.Chunk) head;
      int length = chunk.write - chunk.read;
      long address = chunk.address + chunk.read;
      long n;
      if (writer != null) {
        chunk.buffer.clear().position(chunk.read).limit(chunk.write);
        n = writer.write(fd, chunk.buffer);
      } else {
        n = socket ? Sockets.send(fd, address, length) : Io.write(fd, address, length);
      }
      if (n < 0) {
        if (n == -Linux.EINTR) {
          continue;
        }
        return n == -Linux.EAGAIN ? BLOCKED : (int) n;
      }
      chunk.read += (int) n;
      bytes -= n;
      if (n < length) {
        return BLOCKED;
      }
      entries.pollFirst();
      pool.give(chunk);
    }
  }

  /** Removes and returns the callback at the head (after {@link #flush} said {@link #CALLBACK}). */
  public Runnable pollCallback() {
    return (Runnable) entries.pollFirst();
  }

  /**
   * Drops everything queued (callbacks included), returns the chunks to the pool, closes the fds
   * of unsent carriers, and closes the regions' files and settles their futures ({@link
   * FileRegion#fail}, with {@code reason}), after the queue is empty: the futures' dependents may
   * run here.
   */
  public void release(Throwable reason) {
    List<FileRegion> regions = null;
    Object entry;
    while ((entry = entries.pollFirst()) != null) {
      if (entry instanceof ChunkPool.Chunk) {
        pool.give((ChunkPool.Chunk) entry);
      } else if (entry instanceof FdCarrier) {
        closeAll(((FdCarrier) entry).fds);
      } else if (entry instanceof FileRegion) {
        FileRegion region = (FileRegion) entry;
        region.closeFile();
        if (regions == null) {
          regions = new ArrayList<>();
        }
        regions.add(region);
      }
    }
    bytes = 0;
    queuedFds = 0;
    if (regions != null) {
      for (FileRegion region : regions) {
        region.fail(reason);
      }
    }
  }

  private static void closeAll(int[] fds) {
    for (int fd : fds) {
      Io.close(fd);
    }
  }
}
