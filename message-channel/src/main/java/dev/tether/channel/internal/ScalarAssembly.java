package dev.tether.channel.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One scalar's body, put together as its bytes arrive: in parts of at most {@value #PART} bytes,
 * each made when bytes arrive for it, joined once all have come. So a 4-byte header announcing
 * the largest scalar costs one part, never the size it announces. Not thread-safe: one
 * {@link FrameReader}'s.
 */
final class ScalarAssembly {
  /** The largest part. */
  static final int PART = 64 * 1024;

  private final int length;
  private final long start;
  private final List<byte[]> full = new ArrayList<>();
  private byte[] part;
  private int fill;
  private int received;

  /** A scalar of {@code length} bytes whose header starts at stream offset {@code start}. */
  ScalarAssembly(int length, long start) {
    this.length = length;
    this.start = start;
    this.part = new byte[Math.min(length, PART)];
  }

  /** Moves as many of {@code in}'s remaining bytes as the scalar still misses. */
  void take(ByteBuffer in) {
    while (received < length && in.hasRemaining()) {
      if (fill == part.length) {
        full.add(part);
        part = new byte[Math.min(PART, length - received)];
        fill = 0;
      }
      int n = Math.min(in.remaining(), part.length - fill);
      in.get(part, fill, n);
      fill += n;
      received += n;
    }
  }

  boolean complete() {
    return received == length;
  }

  /** The bytes it still misses. */
  int missing() {
    return length - received;
  }

  int length() {
    return length;
  }

  int received() {
    return received;
  }

  /** Stream offset of the scalar's header. */
  long start() {
    return start;
  }

  /** The whole body, once {@link #complete()}. */
  byte[] body() {
    if (full.isEmpty()) {
      return part;
    }
    byte[] body = new byte[length];
    int at = 0;
    for (byte[] p : full) {
      System.arraycopy(p, 0, body, at, p.length);
      at += p.length;
    }
    System.arraycopy(part, 0, body, at, fill);
    return body;
  }
}
