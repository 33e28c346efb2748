package dev.tether.reactor;

import dev.tether.reactor.internal.FileRegion;
import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Streams files through an endpoint whose output is transformed (TLS), where sendfile(2) cannot
 * be used: each file is read in chunks that go through {@link Endpoint#sendNow}, one chunk at a
 * time while the outgoing queue is at or below the low watermark (so the queue stays within the
 * watermarks plus one chunk). Whatever the application sends while a file is pending (bytes,
 * write callbacks) is held here behind it, in plain text, and passed on in order, so the
 * transformation sees the bytes in the order they were sent. Owns the pending regions' files:
 * closed once read, or by {@link #release} when the connection closes. Reactor thread only.
 */
final class FileStreamFallback {
  /** Bytes read from a file per chunk (a TLS record holds at most 16 KiB). */
  static final int CHUNK = 16 * 1024;

  private final Endpoint endpoint;
  /** FileRegions, ByteBuffers (copies of held data) and Runnables (write callbacks), in order. */
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private boolean pumping;
  /** Bytes held: the pending files' unsent bytes and the held data. */
  private long bytes;
  /** closeAfterWriting came while something was held: close once it is all passed on. */
  boolean closeWhenDone;

  FileStreamFallback(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** Whether sends must queue here, behind a pending file. */
  boolean holding() {
    return !held.isEmpty();
  }

  /** Bytes held here: they count toward the connection's outbound bytes and watermarks. */
  long bytes() {
    return bytes;
  }

  void add(FileRegion region) {
    held.addLast(region);
    bytes += region.remaining();
    pump();
  }

  /** Holds a copy of {@code data}'s remaining bytes (consumed). */
  void hold(ByteBuffer data) {
    ByteBuffer copy = ByteBuffer.allocate(data.remaining());
    copy.put(data).flip();
    held.addLast(copy);
    bytes += copy.remaining();
  }

  void hold(Runnable callback) {
    held.addLast(callback);
  }

  /** Passes held things on while the queue is at or below the low watermark. */
  void pump() {
    if (pumping) {
      return; // sendNow flushes, and a flush pumps
    }
    pumping = true;
    try {
      while (!held.isEmpty() && endpoint.open() && endpoint.belowLowWatermark()) {
        Object head = held.peekFirst();
        if (head instanceof FileRegion) {
          if (!sendChunk((FileRegion) head)) {
            return;
          }
        } else if (head instanceof ByteBuffer) {
          held.pollFirst();
          bytes -= ((ByteBuffer) head).remaining();
          endpoint.sendNow((ByteBuffer) head);
        } else {
          held.pollFirst();
          endpoint.writeCallbackNow((Runnable) head);
        }
      }
      if (held.isEmpty() && closeWhenDone && endpoint.open()) {
        closeWhenDone = false;
        endpoint.closeAfterWriting();
      }
      if (endpoint.open()) {
        endpoint.outboundChanged(); // what is held counts toward the watermarks
      }
    } finally {
      pumping = false;
    }
  }

  /** Reads and sends one chunk of {@code region}; false if that closed the connection. */
  private boolean sendChunk(FileRegion region) {
    if (region.remaining() == 0) {
      held.pollFirst();
      region.closeFile();
      region.passedOn();
      endpoint.writeCallbackNow(region); // completes once the last chunk is written
      return true;
    }
    ByteBuffer buffer = endpoint.reactor.io().fileBuffer();
    int want = (int) Math.min(CHUNK, region.remaining());
    long n = Io.read(region.fd(), endpoint.reactor.io().fileAddress(), want);
    if (n == -Linux.EINTR) {
      return true;
    }
    if (n <= 0) {
      endpoint.close(n == 0 ? region.truncated()
          : Errors.failure("read", region.path(), (int) -n));
      return false;
    }
    region.sent(n);
    bytes -= n;
    buffer.clear().limit((int) n);
    endpoint.sendNow(buffer);
    return true;
  }

  /** Closes the pending files and fails their futures with {@code reason}; drops the rest. */
  void release(Throwable reason) {
    bytes = 0;
    Object entry;
    while ((entry = held.pollFirst()) != null) {
      if (entry instanceof FileRegion) {
        ((FileRegion) entry).fail(reason);
      }
    }
  }
}
