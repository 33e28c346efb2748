package dev.tether.channel.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The wire bytes of message names the encoder met lately, by the very {@code String}: a program
 * sends a handful of names (literals, the same instances) over and over, and a {@code String}
 * never changes, so a name found ASCII without NUL once need not be checked again. Halves what a
 * small message costs to encode (benchmarks/WORKER.md).
 *
 * <p>Direct-mapped on the name's hash, which the {@code String} caches. Entries are immutable,
 * so one table serves every thread without a lock: a racing write only costs a later miss.
 */
final class EncodedNames {
  private static final int SLOTS = 64;
  /** Longer names are checked every time: a name is short, and the table's bytes stay small. */
  private static final int MAX_LENGTH = 32;

  /** A name's bytes, and for names of up to 8 bytes the same as one little-endian long. */
  private record Entry(String name, byte[] bytes, long packed) {}

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final Entry[] ENTRIES = new Entry[SLOTS];

  private EncodedNames() {}

  /**
   * Copies {@code name} to {@code array[at]} if all its chars are 1 to 0x7F, as
   * {@link MessageEncoder}'s one-pass encoding does; false otherwise.
   */
  static boolean copy(String name, byte[] array, int at) {
    int slot = name.hashCode() & (SLOTS - 1);
    Entry hit = ENTRIES[slot];
    if (hit != null && hit.name() == name) {
      byte[] bytes = hit.bytes();
      if (bytes.length <= Long.BYTES && at + Long.BYTES <= array.length) {
        LONGS.set(array, at, hit.packed()); // the bytes past the name are the caller's to fill
      } else {
        System.arraycopy(bytes, 0, array, at, bytes.length);
      }
      return true;
    }
    int length = name.length();
    if (!MessageEncoder.copyAscii(name, array, at)) {
      return false;
    }
    if (length <= MAX_LENGTH) {
      byte[] bytes = Arrays.copyOfRange(array, at, at + length);
      long packed = 0;
      for (int k = Math.min(length, Long.BYTES) - 1; k >= 0; k--) {
        packed = packed << 8 | bytes[k];
      }
      ENTRIES[slot] = new Entry(name, bytes, packed);
    }
    return true;
  }
}
