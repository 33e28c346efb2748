package dev.tether.channel.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings of message names seen lately, found by their bytes: decoding a message whose name
 * was seen before returns the very same {@link String} rather than a new one, so a reader that
 * dispatches on names allocates nothing for them, and the hash code a handler map computed once
 * stays cached in the string. A fixed table of {@value #SLOTS} slots, each holding the last name
 * that hashed to it: bounded whatever names arrive. Only ASCII names of at most
 * {@value #MAX_NAME_LENGTH} bytes are kept.
 *
 * <p>Not thread-safe: one per reader (a channel's read side).
 */
public final class NameCache {
  private static final int SLOTS = 256;
  private static final int MAX_NAME_LENGTH = 64;

  private final long[] shortKeys = new long[SLOTS]; // names of 1-8 bytes, packed
  private final String[] shortNames = new String[SLOTS];
  private final byte[][] keys = new byte[SLOTS][];
  private final String[] names = new String[SLOTS];

  /** The string of the ASCII bytes {@code bytes[from, to)}: a cached one, or a new one. */
  String get(byte[] bytes, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return "";
    }
    if (length <= Long.BYTES) {
      long key = AsciiScan.pack(bytes, from, length);
      int slot = (int) ((key * 0x9E3779B97F4A7C15L) >>> 56); // Fibonacci hashing, 8 bits
      String cached = shortNames[slot];
      if (cached != null && shortKeys[slot] == key) {
        return cached;
      }
      String name = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
      shortKeys[slot] = key;
      shortNames[slot] = name;
      return name;
    }
    if (length > MAX_NAME_LENGTH) {
      return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }
    int hash = length;
    for (int i = from; i < to; i++) {
      hash = 31 * hash + bytes[i];
    }
    int slot = (hash ^ (hash >>> 8)) & (SLOTS - 1);
    byte[] key = keys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, bytes, from, to)) {
      return names[slot];
    }
    String name = new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    keys[slot] = Arrays.copyOfRange(bytes, from, to);
    names[slot] = name;
    return name;
  }
}
