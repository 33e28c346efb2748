package dev.tether.channel.codec;

import dev.tether.channel.InvalidElementException;
import dev.tether.channel.InvalidUtf8Exception;
import java.nio.ByteBuffer;

/**
 * UTF-8 measured, written and checked by hand: the JDK's encoders allocate per call and its
 * decoders silently replace bad input, and the wire format needs both "no NUL" and "strict".
 */
final class Utf8 {
  private Utf8() {}

  /**
   * Returns the UTF-8 length of {@code s}, refusing what cannot be an element: a NUL (the element
   * terminator) or an unpaired surrogate (no UTF-8 form).
   */
  static int encodedLength(CharSequence s, int elementIndex) {
    int length = s.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == 0) {
          throw new InvalidElementException(
              "element " + elementIndex + " contains a NUL byte at char " + i
                  + " (expected: no NUL, it terminates elements)");
        }
      } else if (c < 0x800) {
        bytes += 1;
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 == length
            || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new InvalidElementException(
              "element " + elementIndex + " has an unpaired surrogate at char " + i
                  + " (expected: valid UTF-16)");
        }
        bytes += 2; // 2 chars -> 4 bytes
        i++;
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }

  /** Writes {@code s}, already checked by {@link #encodedLength}, as UTF-8 into {@code dst}. */
  static void encode(CharSequence s, ByteBuffer dst) {
    int length = s.length();
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst.put((byte) c);
      } else if (c < 0x800) {
        dst.put((byte) (0xC0 | (c >> 6)));
        dst.put((byte) (0x80 | (c & 0x3F)));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst.put((byte) (0xF0 | (cp >> 18)));
        dst.put((byte) (0x80 | ((cp >> 12) & 0x3F)));
        dst.put((byte) (0x80 | ((cp >> 6) & 0x3F)));
        dst.put((byte) (0x80 | (cp & 0x3F)));
      } else {
        dst.put((byte) (0xE0 | (c >> 12)));
        dst.put((byte) (0x80 | ((c >> 6) & 0x3F)));
        dst.put((byte) (0x80 | (c & 0x3F)));
      }
    }
  }

  /**
   * Checks that {@code bytes[from, to)} is well-formed UTF-8 (no overlongs, no surrogates, nothing
   * above U+10FFFF). Returns true if every byte is ASCII, which lets the caller take a faster path.
   */
  static boolean validate(byte[] bytes, int from, int to, int elementIndex) {
    boolean ascii = true;
    int i = from;
    while (i < to) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      ascii = false;
      int need;
      int min;
      if ((b & 0xE0) == 0xC0) {
        need = 1;
        min = 0x80;
      } else if ((b & 0xF0) == 0xE0) {
        need = 2;
        min = 0x800;
      } else if ((b & 0xF8) == 0xF0) {
        need = 3;
        min = 0x10000;
      } else {
        throw invalid(bytes, from, i, elementIndex);
      }
      if (i + need >= to) {
        throw invalid(bytes, from, i, elementIndex);
      }
      int cp = b & (0x3F >> need);
      for (int k = 1; k <= need; k++) {
        int cont = bytes[i + k];
        if ((cont & 0xC0) != 0x80) {
          throw invalid(bytes, from, i, elementIndex);
        }
        cp = (cp << 6) | (cont & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        throw invalid(bytes, from, i, elementIndex);
      }
      i += need + 1;
    }
    return ascii;
  }

  private static InvalidUtf8Exception invalid(byte[] bytes, int from, int at, int elementIndex) {
    return new InvalidUtf8Exception(
        "element " + elementIndex + " is not valid UTF-8: byte 0x"
            + Integer.toHexString(bytes[at] & 0xFF) + " at offset " + (at - from)
            + " (use the byte-level read for binary elements)");
  }
}
