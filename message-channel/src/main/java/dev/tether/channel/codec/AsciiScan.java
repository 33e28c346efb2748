package dev.tether.channel.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans byte arrays eight bytes at a time (one little-endian long per step) for the two things
 * the wire format cares about: NUL, which ends an element, and bytes of 0x80 and above, which
 * take strings off the ASCII fast path. Stateless.
 */
final class AsciiScan {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private AsciiScan() {}

  /** Set in {@link #scanElement}'s result when the element has a byte of 0x80 or above. */
  static final long NOT_ASCII = 1L << 32;

  /**
   * Finds the end of the element starting at {@code from}: the index of the first NUL in
   * {@code bytes[from, to)} (-1 if none) in the low 32 bits, and {@link #NOT_ASCII} if a byte
   * before it is 0x80 or above. Little-endian steps, so the lowest flagged byte of a step is the
   * first NUL (a borrow only flags bytes after a true zero).
   */
  static long scanElement(byte[] bytes, int from, int to) {
    long high = 0;
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long v = (long) LONGS.get(bytes, i);
      long zero = (v - ONES) & ~v & HIGH_BITS;
      if (zero != 0) {
        int k = Long.numberOfTrailingZeros(zero) >>> 3; // bytes before the NUL in this step
        high |= v & ((1L << (k << 3)) - 1);
        return (i + k) | ((high & HIGH_BITS) != 0 ? NOT_ASCII : 0);
      }
      high |= v;
    }
    for (; i < to; i++) {
      if (bytes[i] == 0) {
        return i | ((high & HIGH_BITS) != 0 ? NOT_ASCII : 0);
      }
      high |= bytes[i]; // sign-extended: a high byte sets 0x80 too
    }
    return -1;
  }

  /** Index of the first NUL in {@code bytes[from, to)}, or -1. */
  static int indexOfNul(byte[] bytes, int from, int to) {
    return (int) scanElement(bytes, from, to);
  }

  /**
   * The first {@code length} (1 to 8) bytes at {@code bytes[from]} as a little-endian long, the
   * rest zero: for a string without NUL, a key that tells it from every other such string of up
   * to 8 bytes.
   */
  static long pack(byte[] bytes, int from, int length) {
    if (from + Long.BYTES <= bytes.length) {
      long v = (long) LONGS.get(bytes, from);
      return length == Long.BYTES ? v : v & ((1L << (length << 3)) - 1);
    }
    long v = 0;
    for (int k = length - 1; k >= 0; k--) {
      v = (v << 8) | (bytes[from + k] & 0xFF);
    }
    return v;
  }
}
