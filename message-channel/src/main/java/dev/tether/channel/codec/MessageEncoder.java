package dev.tether.channel.codec;

import dev.tether.channel.FrameTooLargeException;
import dev.tether.channel.InvalidElementException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes message and scalar frames into a caller's {@link ByteBuffer}, allocating nothing.
 *
 * <p>A refused frame leaves {@code dst}'s position where it was (bytes past it may have been
 * scribbled on), so a stream being built stays intact. Stateless and thread-safe.
 *
 * @see WireFormat
 */
public final class MessageEncoder {
  private MessageEncoder() {}

  /** The elements of message {@code [name, args...]}. */
  public static List<String> elements(String name, String... args) {
    Objects.requireNonNull(name, "name");
    List<String> message = new ArrayList<>(args.length + 1);
    message.add(name);
    message.addAll(Arrays.asList(args));
    return message;
  }

  /** {@code hash} as Passenger's hash message: alternating keys and values, in its order. */
  public static List<String> fromHash(Map<String, String> hash) {
    List<String> elements = new ArrayList<>(hash.size() * 2);
    hash.forEach((k, v) -> elements.addAll(List.of(k, v)));
    return elements;
  }

  /**
   * Returns the encoded size (header and body) of a message frame holding {@code elements}.
   *
   * @throws InvalidElementException if an element is null, contains NUL or an unpaired surrogate
   * @throws FrameTooLargeException if the body would exceed {@value
   * WireFormat#MAX_MESSAGE_BODY_SIZE}
   *     bytes
   */
  public static int messageSize(List<? extends CharSequence> elements) {
    Objects.requireNonNull(elements, "elements");
    long body = 0;
    for (int i = 0, n = elements.size(); i < n; i++) {
      CharSequence e = elements.get(i);
      if (e == null) {
        throw new InvalidElementException("element " + i + " is null (expected: a string)");
      }
      body += Utf8.encodedLength(e, i) + 1;
      if (body > WireFormat.MAX_MESSAGE_BODY_SIZE) {
        throw tooLarge(body, elements.size() - i - 1);
      }
    }
    return WireFormat.MESSAGE_HEADER_SIZE + (int) body;
  }

  /**
   * Writes one message frame of {@code elements} at {@code dst}'s position.
   *
   * @throws IllegalArgumentException if {@code dst} has less room than {@link #messageSize}
   * @throws InvalidElementException see {@link #messageSize}
   * @throws FrameTooLargeException see {@link #messageSize}
   */
  public static void encodeMessage(List<? extends CharSequence> elements, ByteBuffer dst) {
    if (!tryEncodeMessage(elements, dst)) {
      checkRoom(messageSize(elements), dst);
    }
  }

  /**
   * Writes one message frame of {@code elements} at {@code dst}'s position if it fits, for callers
   * that pack several frames into one buffer.
   *
   * @return false, with {@code dst}'s position unchanged, if {@code dst} has too little room
   * @throws InvalidElementException see {@link #messageSize}
   * @throws FrameTooLargeException see {@link #messageSize}
   */
  public static boolean tryEncodeMessage(List<? extends CharSequence> elements, ByteBuffer dst) {
    if (dst.hasArray() && encodeIntoArray(elements, dst)) {
      return true;
    }
    int size = messageSize(elements);
    if (dst.remaining() < size) {
      return false;
    }
    dst.putShort((short) (size - WireFormat.MESSAGE_HEADER_SIZE));
    for (int i = 0, n = elements.size(); i < n; i++) {
      Utf8.encode(elements.get(i), dst);
      dst.put((byte) 0);
    }
    return true;
  }

  /**
   * The common case in one pass: elements straight into the heap buffer's array, the length
   * filled in last. Returns false at anything unusual (not ASCII, too
   * big, no room, null) with {@code dst}'s position unchanged; the two-pass path then encodes
   * it or throws the precise exception.
   */
  private static boolean encodeIntoArray(List<? extends CharSequence> elements, ByteBuffer dst) {
    byte[] array = dst.array();
    int start = dst.arrayOffset() + dst.position();
    int end = Math.min(dst.arrayOffset() + dst.limit(),
        start + WireFormat.MESSAGE_HEADER_SIZE + WireFormat.MAX_MESSAGE_BODY_SIZE);
    int p = start + WireFormat.MESSAGE_HEADER_SIZE;
    int n = elements.size();
    if (n > 0) {
      p = putElement(elements.get(0), true, array, p, end);
    }
    for (int i = 1; i < n && p >= 0; i++) {
      p = putElement(elements.get(i), false, array, p, end);
    }
    if (p < 0) {
      return false;
    }
    int body = p - start - WireFormat.MESSAGE_HEADER_SIZE;
    array[start] = (byte) (body >>> 8);
    array[start + 1] = (byte) body;
    dst.position(p - dst.arrayOffset());
    return true;
  }

  /**
   * Puts element {@code e} and its NUL at {@code array[p]} if it is ASCII without NUL and fits
   * before {@code end}; returns the index after it, or -1. A name goes through
   * {@link EncodedNames}; the name is its own call site, so that the JIT compiles the arguments'
   * path without its branch.
   */
  private static int putElement(CharSequence e, boolean name, byte[] array, int p, int end) {
    if (e == null) {
      return -1;
    }
    int length = e.length();
    if (p + length >= end || !(e instanceof String s
        ? (name ? EncodedNames.copy(s, array, p) : copyAscii(s, array, p))
        : copyAscii(e, array, p))) {
      return -1;
    }
    array[p + length] = 0;
    return p + length + 1;
  }

  /**
   * Copies {@code s} to {@code array[at]} if all its chars are 1 to 0x7F, for which the low byte
   * of a char is its UTF-8 encoding; false otherwise (bytes from {@code at} on may be scribbled
   * on). Checks first, eight chars a step with one test, then copies with the JDK's bulk copy.
   * The shape matters (benchmarks/WORKER.md): an exit-free loop over all chars is auto-vectorized
   * by JDK 25, which costs more than it saves at these lengths, and a char-by-char copy with
   * checks is slower than check-then-copy on both JDKs.
   */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) drops high bytes: none here
  static boolean copyAscii(String s, byte[] array, int at) {
    int length = s.length();
    int k = 0;
    for (; k + 8 <= length; k += 8) {
      int c0 = s.charAt(k);
      int c1 = s.charAt(k + 1);
      int c2 = s.charAt(k + 2);
      int c3 = s.charAt(k + 3);
      int c4 = s.charAt(k + 4);
      int c5 = s.charAt(k + 5);
      int c6 = s.charAt(k + 6);
      int c7 = s.charAt(k + 7);
      int seen = c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7 // c - 1 is negative only for NUL
          | (c0 - 1) | (c1 - 1) | (c2 - 1) | (c3 - 1) | (c4 - 1) | (c5 - 1) | (c6 - 1) | (c7 - 1);
      if ((seen & ~0x7F) != 0) {
        return false;
      }
    }
    for (; k < length; k++) {
      char c = s.charAt(k);
      if (c == 0 || c >= 0x80) {
        return false;
      }
    }
    s.getBytes(0, length, array, at);
    return true;
  }

  /** {@link #copyAscii(String, byte[], int)} for other char sequences, char by char. */
  private static boolean copyAscii(CharSequence e, byte[] array, int at) {
    for (int k = 0, length = e.length(); k < length; k++) {
      char c = e.charAt(k);
      if (c == 0 || c >= 0x80) {
        return false;
      }
      array[at + k] = (byte) c;
    }
    return true;
  }

  /** Returns the encoded size of a message frame of raw byte elements; checks as above. */
  public static int messageBytesSize(List<byte[]> elements) {
    Objects.requireNonNull(elements, "elements");
    long body = 0;
    for (int i = 0, n = elements.size(); i < n; i++) {
      byte[] e = elements.get(i);
      if (e == null) {
        throw new InvalidElementException("element " + i + " is null (expected: bytes)");
      }
      for (int k = 0; k < e.length; k++) {
        if (e[k] == 0) {
          throw new InvalidElementException(
              "element " + i + " contains a NUL byte at offset " + k
                  + " (expected: no NUL, it terminates elements)");
        }
      }
      body += e.length + 1;
      if (body > WireFormat.MAX_MESSAGE_BODY_SIZE) {
        throw tooLarge(body, n - i - 1);
      }
    }
    return WireFormat.MESSAGE_HEADER_SIZE + (int) body;
  }

  /** Writes one message frame of raw byte elements; checks as {@link #messageBytesSize}. */
  public static void encodeMessageBytes(List<byte[]> elements, ByteBuffer dst) {
    int size = messageBytesSize(elements);
    checkRoom(size, dst);
    dst.putShort((short) (size - WireFormat.MESSAGE_HEADER_SIZE));
    for (byte[] e : elements) {
      dst.put(e).put((byte) 0);
    }
  }

  /**
   * Returns {@code elements} behind Tether's fd header ({@link WireFormat#FDS_MARKER}, count): the
   * message to encode when {@code fdCount} fds ride on its frame.
   *
   * @throws IllegalArgumentException if {@code fdCount} is not in 1..{@value
   *     WireFormat#MAX_FDS_PER_MESSAGE}
   */
  public static List<String> withFdHeader(List<String> elements, int fdCount) {
    if (fdCount < 1 || fdCount > WireFormat.MAX_FDS_PER_MESSAGE) {
      throw new IllegalArgumentException(
          "fdCount : " + fdCount + " (expected: 1.." + WireFormat.MAX_FDS_PER_MESSAGE + ")");
    }
    List<String> framed = new ArrayList<>(elements.size() + 2);
    framed.add(WireFormat.FDS_MARKER);
    framed.add(Integer.toString(fdCount));
    framed.addAll(elements);
    return framed;
  }

  /** Writes a scalar's 4-byte header announcing {@code length} body bytes. */
  public static void encodeScalarHeader(int length, ByteBuffer dst) {
    if (length < 0) {
      throw new IllegalArgumentException("length : " + length + " (expected: >= 0)");
    }
    checkRoom(WireFormat.SCALAR_HEADER_SIZE, dst);
    dst.putInt(length);
  }

  private static void checkRoom(int size, ByteBuffer dst) {
    if (dst.remaining() < size) {
      throw new IllegalArgumentException(
          "dst.remaining() : " + dst.remaining() + " (expected: >= " + size + ")");
    }
  }

  private static FrameTooLargeException tooLarge(long bodySoFar, int elementsLeft) {
    return new FrameTooLargeException(
        "message body is at least " + bodySoFar + " bytes"
            + (elementsLeft > 0 ? " with " + elementsLeft + " element(s) still to count" : "")
            + " (expected: <= " + WireFormat.MAX_MESSAGE_BODY_SIZE + ")");
  }
}
