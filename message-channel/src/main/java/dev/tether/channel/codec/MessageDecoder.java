package dev.tether.channel.codec;

import dev.tether.channel.OddHashException;
import dev.tether.channel.ScalarTooLargeException;
import dev.tether.channel.TrailingBytesException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes message and scalar frames from a caller's {@link ByteBuffer}, one whole frame at a time.
 *
 * <p>Accumulation is the caller's job: each {@code decode*} method either consumes exactly one
 * whole frame from {@code src}'s position, or, when the frame is not all there yet, returns
 * {@code null} and leaves {@code src} untouched. The {@code *FrameLength} methods tell the caller
 * how large a buffer the next frame needs. A malformed frame is consumed before its exception is
 * thrown, so the reader stays in step with the stream. Stateless and thread-safe.
 *
 * @see WireFormat
 */
public final class MessageDecoder {

  private MessageDecoder() {}

  /**
   * Returns the size (header included) of the message frame at {@code src}'s position, or -1 if
   * fewer than {@value WireFormat#MESSAGE_HEADER_SIZE} bytes are there. Consumes nothing.
   */
  public static int messageFrameLength(ByteBuffer src) {
    if (src.remaining() < WireFormat.MESSAGE_HEADER_SIZE) {
      return -1;
    }
    return WireFormat.MESSAGE_HEADER_SIZE + Short.toUnsignedInt(src.getShort(src.position()));
  }

  /**
   * Decodes one message whose elements are UTF-8 strings.
   *
   * @return the elements (an immutable list), or null if the frame is incomplete
   * @throws TrailingBytesException if the body has bytes after its last NUL
   * @throws dev.tether.channel.InvalidUtf8Exception if an element is not valid UTF-8
   */
  public static List<String> decodeMessage(ByteBuffer src) {
    return decodeMessage(src, null);
  }

  /**
   * Decodes one message whose elements are UTF-8 strings, taking element 0 (the name) from
   * {@code names} when it was seen before.
   *
   * @param names the reader's name cache, or null
   * @return the elements (an immutable list), or null if the frame is incomplete
   * @throws TrailingBytesException if the body has bytes after its last NUL
   * @throws dev.tether.channel.InvalidUtf8Exception if an element is not valid UTF-8
   */
  public static List<String> decodeMessage(ByteBuffer src, NameCache names) {
    int length = messageFrameLength(src);
    if (length < 0 || src.remaining() < length) {
      return null;
    }
    int bodyStart = src.position() + WireFormat.MESSAGE_HEADER_SIZE;
    int bodyEnd = src.position() + length;
    src.position(bodyEnd);
    if (src.hasArray()) {
      return decodeMessageBody(src.array(), src.arrayOffset() + bodyStart,
          src.arrayOffset() + bodyEnd, names);
    }
    byte[] body = new byte[bodyEnd - bodyStart];
    src.get(bodyStart, body);
    return decodeMessageBody(body, 0, body.length, names);
  }

  /**
   * Decodes the body {@code array[from, to)} of one message frame (what follows its 2-byte
   * length) whose elements are UTF-8 strings, taking element 0 from {@code names} as
   * {@link #decodeMessage(ByteBuffer, NameCache)} does: for a reader that has whole frames in an
   * array and has checked their lengths itself.
   *
   * @param names the reader's name cache, or null
   * @return the elements (an immutable list)
   * @throws TrailingBytesException if the body has bytes after its last NUL
   * @throws dev.tether.channel.InvalidUtf8Exception if an element is not valid UTF-8
   */
  public static List<String> decodeMessageBody(byte[] array, int from, int to, NameCache names) {
    if (from == to) {
      return List.of();
    }
    String first = null;
    String second = null;
    String[] more = null;
    int n = 0;
    for (int start = from; start < to; n++) {
      long scan = AsciiScan.scanElement(array, start, to);
      int nul = (int) scan;
      if (nul < 0) {
        throw trailing(array, start, to, to - from);
      }
      boolean ascii = (scan & AsciiScan.NOT_ASCII) == 0;
      String element = n == 0 && ascii && names != null
          ? names.get(array, start, nul)
          : string(array, start, nul, ascii, n);
      if (n == 0) {
        first = element;
      } else if (n == 1) {
        second = element;
      } else {
        if (more == null) {
          more = new String[8];
          more[0] = first;
          more[1] = second;
        } else if (n == more.length) {
          more = Arrays.copyOf(more, n * 2);
        }
        more[n] = element;
      }
      start = nul + 1;
    }
    switch (n) {
      case 1:
        return List.of(first);
      case 2:
        return List.of(first, second);
      default:
        return List.of(Arrays.copyOf(more, n));
    }
  }

  /**
   * An ASCII element is made with the constructor that takes each byte as a char: small enough
   * for the JIT to inline, unlike the charset one, which cost 4-5 ns a message more.
   */
  @SuppressWarnings("deprecation") // String(byte[], int, int, int): exact for bytes below 0x80
  private static String string(byte[] array, int from, int to, boolean ascii, int index) {
    if (!ascii && !Utf8.validate(array, from, to, index)) { // throws unless it is UTF-8
      return new String(array, from, to - from, StandardCharsets.UTF_8);
    }
    return new String(array, 0, from, to - from);
  }

  /**
   * Decodes one message whose elements are raw bytes (for peers that send binary elements).
   *
   * @return the elements, or null if the frame is incomplete
   * @throws TrailingBytesException if the body has bytes after its last NUL
   */
  public static List<byte[]> decodeMessageBytes(ByteBuffer src) {
    int length = messageFrameLength(src);
    if (length < 0 || src.remaining() < length) {
      return null;
    }
    int bodyLength = length - WireFormat.MESSAGE_HEADER_SIZE;
    byte[] body = new byte[bodyLength];
    src.position(src.position() + WireFormat.MESSAGE_HEADER_SIZE);
    src.get(body);
    List<byte[]> elements = new ArrayList<>(4);
    int from = 0;
    while (from < bodyLength) {
      int nul = AsciiScan.indexOfNul(body, from, bodyLength);
      if (nul < 0) {
        throw trailing(body, from, bodyLength, bodyLength);
      }
      byte[] element = new byte[nul - from];
      System.arraycopy(body, from, element, 0, element.length);
      elements.add(element);
      from = nul + 1;
    }
    return elements;
  }

  /**
   * Returns the size (header included) of the scalar frame at {@code src}'s position, or -1 if
   * fewer than {@value WireFormat#SCALAR_HEADER_SIZE} bytes are there. Consumes nothing.
   *
   * @throws ScalarTooLargeException if the announced body exceeds {@code maxSize}; nothing is
   *     consumed, and the stream is out of step from here on
   */
  public static long scalarFrameLength(ByteBuffer src, int maxSize) {
    if (maxSize < 0) {
      throw new IllegalArgumentException("maxSize : " + maxSize + " (expected: >= 0)");
    }
    if (src.remaining() < WireFormat.SCALAR_HEADER_SIZE) {
      return -1;
    }
    long length = Integer.toUnsignedLong(src.getInt(src.position()));
    if (length > maxSize) {
      throw new ScalarTooLargeException(
          "scalar is " + length + " bytes (expected: <= " + maxSize + ")");
    }
    return WireFormat.SCALAR_HEADER_SIZE + length;
  }

  /**
   * Decodes one scalar of at most {@code maxSize} bytes.
   *
   * @return its body, or null if the frame is incomplete
   * @throws ScalarTooLargeException see {@link #scalarFrameLength}
   */
  public static byte[] decodeScalar(ByteBuffer src, int maxSize) {
    long length = scalarFrameLength(src, maxSize);
    if (length < 0 || src.remaining() < length) {
      return null;
    }
    byte[] body = new byte[(int) length - WireFormat.SCALAR_HEADER_SIZE];
    src.position(src.position() + WireFormat.SCALAR_HEADER_SIZE);
    src.get(body);
    return body;
  }

  /**
   * Reads a decoded message as Passenger's hash: alternating keys and values, in order.
   *
   * @throws OddHashException if there is a key without a value
   */
  public static Map<String, String> toHash(List<String> elements) {
    if ((elements.size() & 1) != 0) {
      throw new OddHashException(
          "hash has " + elements.size() + " elements (expected: an even number, key then value)");
    }
    Map<String, String> hash = new LinkedHashMap<>(elements.size());
    for (int i = 0; i < elements.size(); i += 2) {
      hash.put(elements.get(i), elements.get(i + 1));
    }
    return hash;
  }

  /** Names the trailing bytes {@code array[from..end)} (the first 16 in hex) and the body size. */
  private static TrailingBytesException trailing(byte[] array, int from, int end, int bodyLength) {
    StringBuilder hex = new StringBuilder();
    for (int i = from; i < Math.min(end, from + 16); i++) {
      hex.append(i > from ? " " : "").append(String.format("%02x", array[i] & 0xFF));
    }
    return new TrailingBytesException(
        (end - from) + " byte(s) after the last NUL of a " + bodyLength + "-byte message body ("
            + hex + (end - from > 16 ? " ..." : "")
            + ") (expected: every element NUL-terminated)");
  }
}
