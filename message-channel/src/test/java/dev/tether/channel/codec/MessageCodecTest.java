package dev.tether.channel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.FrameTooLargeException;
import dev.tether.channel.InvalidElementException;
import dev.tether.channel.InvalidUtf8Exception;
import dev.tether.channel.OddHashException;
import dev.tether.channel.ScalarTooLargeException;
import dev.tether.channel.TrailingBytesException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  private final NameCache names = new NameCache();

  private static byte[] encode(List<String> message) {
    ByteBuffer buf = ByteBuffer.allocate(MessageEncoder.messageSize(message));
    MessageEncoder.encodeMessage(message, buf);
    assertEquals(0, buf.remaining(), "messageSize must be exact");
    return buf.array();
  }

  private static ByteBuffer hex(String hex) {
    return ByteBuffer.wrap(HEX.parseHex(hex));
  }

  @Test
  void wireExampleIsByteExact() {
    assertEquals("00 0b 68 65 6c 6c 6f 00 4a 6f 65 00 00",
        HEX.formatHex(encode(List.of("hello", "Joe", ""))));
    assertEquals(List.of("hello", "Joe", ""),
        MessageDecoder.decodeMessage(hex("00 0b 68 65 6c 6c 6f 00 4a 6f 65 00 00")));
  }

  @Test
  void goldenVectors() {
    assertEquals("00 00", HEX.formatHex(encode(List.of())));
    assertEquals("00 01 00", HEX.formatHex(encode(List.of(""))));
    assertEquals("00 08 70 61 73 73 20 49 4f 00", HEX.formatHex(encode(List.of("pass IO"))));
    // U+00E9 (2 bytes), U+20AC (3 bytes), U+1F600 (4 bytes, a surrogate pair in Java)
    assertEquals("00 0a c3 a9 e2 82 ac f0 9f 98 80 00",
        HEX.formatHex(encode(List.of("\u00e9\u20ac\uD83D\uDE00"))));
    ByteBuffer scalar = ByteBuffer.allocate(4);
    MessageEncoder.encodeScalarHeader(0x01020304, scalar);
    assertEquals("01 02 03 04", HEX.formatHex(scalar.array()));
    assertEquals(List.of(), MessageDecoder.decodeMessage(hex("00 00")));
    assertArrayEquals(new byte[] {7, 8}, MessageDecoder.decodeScalar(hex("00 00 00 02 07 08"), 2));
    assertArrayEquals(new byte[0], MessageDecoder.decodeScalar(hex("00 00 00 00"), 0));
  }

  @Test
  void largestBodyFitsAndOneMoreByteIsRefused() {
    String fill = "x".repeat(WireFormat.MAX_MESSAGE_BODY_SIZE - 1);
    byte[] frame = encode(List.of(fill));
    assertEquals(2 + 65535, frame.length);
    assertEquals("ff ff", HEX.formatHex(frame, 0, 2));
    assertEquals(List.of(fill), MessageDecoder.decodeMessage(ByteBuffer.wrap(frame)));

    ByteBuffer dst = ByteBuffer.allocate(70_000);
    FrameTooLargeException e = assertThrows(FrameTooLargeException.class,
        () -> MessageEncoder.encodeMessage(List.of(fill + "y"), dst));
    assertTrue(e.getMessage().contains("65536") && e.getMessage().contains("65535"),
        e.getMessage());
    assertEquals(0, dst.position(), "nothing written");
    // Multi-byte characters count as bytes, not chars.
    assertThrows(FrameTooLargeException.class,
        () -> MessageEncoder.messageSize(List.of("\u20ac".repeat(21846))));
  }

  @Test
  void refusesNulAndUnpairedSurrogatesBeforeWriting() {
    ByteBuffer dst = ByteBuffer.allocate(100);
    InvalidElementException e = assertThrows(InvalidElementException.class,
        () -> MessageEncoder.encodeMessage(List.of("ok", "bad\0x"), dst));
    assertTrue(e.getMessage().contains("element 1") && e.getMessage().contains("NUL"),
        e.getMessage());
    assertThrows(InvalidElementException.class,
        () -> MessageEncoder.encodeMessage(List.of("\uD83D"), dst));
    assertThrows(InvalidElementException.class,
        () -> MessageEncoder.encodeMessage(List.of("\uDE00x"), dst));
    assertThrows(InvalidElementException.class,
        () -> MessageEncoder.encodeMessageBytes(List.of(new byte[] {1, 0, 2}), dst));
    assertEquals(0, dst.position(), "nothing written");
  }

  @Test
  void randomMessagesRoundTrip() {
    Random random = new Random(42);
    for (int round = 0; round < 2_000; round++) {
      List<String> message = randomMessage(random);
      byte[] frame = encode(message);
      assertEquals(message, MessageDecoder.decodeMessage(ByteBuffer.wrap(frame)));
      List<byte[]> raw = MessageDecoder.decodeMessageBytes(ByteBuffer.wrap(frame));
      for (int i = 0; i < message.size(); i++) {
        assertArrayEquals(message.get(i).getBytes(StandardCharsets.UTF_8), raw.get(i));
      }
      ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
      assertEquals(message, MessageDecoder.decodeMessage(direct));
      assertEquals(message, MessageDecoder.decodeMessage(ByteBuffer.wrap(frame), names));
    }
  }

  /**
   * The encoder copies all-ASCII strings in bulk after one check of every char: a char whose low
   * byte is ASCII or NUL but which is not ASCII itself (U+0141, U+0100, U+0080, U+FF41) must not
   * slip through as that low byte, wherever it stands, in a String or in another CharSequence.
   */
  @Test
  void encodesOnlyTrueAsciiAsSingleBytes() {
    for (char trap : new char[] {'\u0141', '\u0100', '\u0080', '\uff41', '\u00e9'}) {
      for (int length = 1; length <= 40; length++) {
        for (int at = 0; at < length; at++) {
          char[] chars = new char[length];
          Arrays.fill(chars, 'a');
          chars[at] = trap;
          String arg = new String(chars);
          byte[] expected = ("count\0" + arg + "\0").getBytes(StandardCharsets.UTF_8);
          for (List<? extends CharSequence> message :
              List.of(List.of("count", arg), List.of("count", new StringBuilder(arg)))) {
            ByteBuffer dst = ByteBuffer.allocate(200);
            MessageEncoder.encodeMessage(message, dst);
            byte[] frame = Arrays.copyOf(dst.array(), dst.position());
            assertArrayEquals(expected, Arrays.copyOfRange(frame, 2, frame.length),
                "U+" + Integer.toHexString(trap) + " at " + at + " of " + length);
          }
        }
      }
    }
    ByteBuffer dst = ByteBuffer.allocate(100);
    assertThrows(InvalidElementException.class,
        () -> MessageEncoder.encodeMessage(List.of(new StringBuilder("a\0b")), dst));
    assertEquals(0, dst.position(), "nothing written");
  }

  /**
   * Names go through {@link EncodedNames}, which keeps the bytes of a name it checked: a name that
   * is not ASCII, or holds a NUL, must come out right (or be refused) the second time too, names
   * that share a slot must not take each other's bytes, and a short cached name written as one
   * long must not run past the end of the buffer.
   */
  @Test
  void namesComeOutRightEveryTimeTheyAreEncoded() {
    for (char trap : new char[] {'\u0141', '\u0100', '\u0080', '\uff41', '\u00e9'}) {
      for (int length = 1; length <= 40; length++) {
        for (int at = 0; at < length; at++) {
          char[] chars = new char[length];
          Arrays.fill(chars, 'n');
          chars[at] = trap;
          String name = new String(chars);
          byte[] expected = (name + "\0x\0").getBytes(StandardCharsets.UTF_8);
          for (int time = 1; time <= 2; time++) {
            byte[] frame = encode(List.of(name, "x"));
            assertArrayEquals(expected, Arrays.copyOfRange(frame, 2, frame.length),
                "U+" + Integer.toHexString(trap) + " at " + at + " of " + length
                    + ", time " + time);
          }
        }
      }
    }
    for (int time = 1; time <= 2; time++) {
      assertThrows(InvalidElementException.class, () -> encode(List.of("na\0me")));
    }
    assertEquals("Aa".hashCode(), "BB".hashCode(), "two names for one slot");
    for (int time = 1; time <= 3; time++) {
      for (String name : List.of("Aa", "BB", new String("Aa"), "a".repeat(33))) {
        byte[] frame = encode(List.of(name, "arg"));
        assertArrayEquals((name + "\0arg\0").getBytes(StandardCharsets.US_ASCII),
            Arrays.copyOfRange(frame, 2, frame.length), name + ", time " + time);
      }
    }
    for (int time = 1; time <= 2; time++) {
      ByteBuffer exact = ByteBuffer.allocate(2 + "ping".length() + 1);
      MessageEncoder.encodeMessage(List.of("ping"), exact);
      assertEquals("00 05 70 69 6e 67 00", HEX.formatHex(exact.array()), "time " + time);
    }
  }

  /**
   * The decoder scans eight bytes at a time: every NUL and every non-ASCII byte position within
   * and across those steps, with 0x01 bytes (which a word-wise NUL test can mistake for NUL right
   * after a true one) next to the NULs.
   */
  @Test
  void decodesEveryElementBoundaryAndHighBytePosition() {
    for (int first = 0; first <= 17; first++) {
      for (int second = 0; second <= 17; second++) {
        for (int high = -1; high < first; high++) {
          char[] name = new char[first];
          Arrays.fill(name, '\u0001');
          if (high >= 0) {
            name[high] = '\u00e9';
          }
          List<String> message = List.of(new String(name), "\u0001".repeat(second), "");
          byte[] frame = encode(message);
          assertEquals(message, MessageDecoder.decodeMessage(ByteBuffer.wrap(frame)));
          assertEquals(message, MessageDecoder.decodeMessage(ByteBuffer.wrap(frame), names));
        }
      }
    }
  }

  @Test
  void aNameSeenBeforeComesBackAsTheSameString() {
    List<String> names1 = new ArrayList<>();
    List<String> names2 = new ArrayList<>();
    List<String> sample = List.of("count", "ping", "x", "eight888", "nine99999",
        "a-name-of-64-bytes-".repeat(4).substring(0, 64));
    for (List<String> into : List.of(names1, names2)) {
      for (String name : sample) {
        into.add(MessageDecoder.decodeMessage(ByteBuffer.wrap(encode(List.of(name, "arg"))), names)
            .get(0));
      }
    }
    assertEquals(sample, names2);
    for (int i = 0; i < sample.size(); i++) {
      assertTrue(names1.get(i) == names2.get(i), "same instance for " + sample.get(i));
    }
    // The name ends in the array's last bytes: packed without reading past the array.
    byte[] tight = HEX.parseHex("00 03 61 62 00");
    assertEquals(List.of("ab"), MessageDecoder.decodeMessage(ByteBuffer.wrap(tight), names));
    // Longer than a name worth keeping: still decoded, a new string each time.
    String long65 = "n".repeat(65);
    String a = MessageDecoder.decodeMessage(ByteBuffer.wrap(encode(List.of(long65))), names).get(0);
    String b = MessageDecoder.decodeMessage(ByteBuffer.wrap(encode(List.of(long65))), names).get(0);
    assertEquals(long65, b);
    assertTrue(a != b, "not kept");
  }

  private static List<String> randomMessage(Random random) {
    int n = random.nextInt(6);
    List<String> message = new ArrayList<>();
    String[] alphabet = {"a", "Z", " ", "\u00e9", "\u20ac", "\uD83D\uDE00", "\u0001", "\u007f"};
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
      for (int k = 0; k < length; k++) {
        sb.append(alphabet[random.nextInt(alphabet.length)]);
      }
      message.add(sb.toString());
    }
    return message;
  }

  /** Feeds a stream of frames in chunks of every size, like bytes arriving from a socket. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 13, 64, 1000, Integer.MAX_VALUE})
  void decodesWhateverTheChunking(int chunk) {
    Random random = new Random(chunk);
    List<List<String>> sent = new ArrayList<>();
    ByteBuffer stream = ByteBuffer.allocate(1 << 20);
    for (int i = 0; i < 200; i++) {
      List<String> message = randomMessage(random);
      sent.add(message);
      MessageEncoder.encodeMessage(message, stream);
    }
    MessageEncoder.encodeScalarHeader(3, stream);
    stream.put(new byte[] {1, 2, 3});
    stream.flip();

    ByteBuffer acc = ByteBuffer.allocate(70_000).flip();
    List<List<String>> received = new ArrayList<>();
    byte[] scalar = null;
    while (stream.hasRemaining() || acc.hasRemaining()) {
      int n = Math.min(chunk, stream.remaining());
      acc.compact().put(stream.slice(stream.position(), n)).flip();
      stream.position(stream.position() + n);
      while (received.size() < sent.size()) {
        int before = acc.position();
        List<String> message = MessageDecoder.decodeMessage(acc);
        if (message == null) {
          assertEquals(before, acc.position(), "incomplete frame must not be consumed");
          break;
        }
        received.add(message);
      }
      if (received.size() == sent.size() && scalar == null) {
        scalar = MessageDecoder.decodeScalar(acc, 10);
      }
      if (scalar != null) {
        break;
      }
    }
    assertEquals(sent, received);
    assertArrayEquals(new byte[] {1, 2, 3}, scalar);
  }

  @Test
  void incompleteFramesReturnNullAndConsumeNothing() {
    for (String partial : new String[] {"", "00", "00 04 61 00", "ff ff 61"}) {
      ByteBuffer buf = hex(partial);
      assertNull(MessageDecoder.decodeMessage(buf));
      assertNull(MessageDecoder.decodeMessageBytes(buf));
      assertEquals(0, buf.position());
    }
    for (String partial : new String[] {"", "00 00 00", "00 00 00 05 01"}) {
      ByteBuffer buf = hex(partial);
      assertNull(MessageDecoder.decodeScalar(buf, 10));
      assertEquals(0, buf.position());
    }
  }

  @Test
  void refusesBytesAfterTheLastNul() {
    ByteBuffer buf = hex("00 05 61 00 62 63 64 00 01 00");
    TrailingBytesException e =
        assertThrows(TrailingBytesException.class, () -> MessageDecoder.decodeMessage(buf));
    assertTrue(e.getMessage().contains("3 byte(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("(62 63 64)"), "names the bytes: " + e.getMessage());
    assertEquals(7, buf.position(), "the bad frame is consumed");
    assertEquals(List.of(""), MessageDecoder.decodeMessage(buf), "next frame still decodes");
    TrailingBytesException binary = assertThrows(TrailingBytesException.class,
        () -> MessageDecoder.decodeMessageBytes(hex("00 01 61")));
    assertTrue(binary.getMessage().contains("(61)"), binary.getMessage());
    TrailingBytesException longer = assertThrows(TrailingBytesException.class,
        () -> MessageDecoder.decodeMessage(hex("00 12" + " 41".repeat(18))));
    assertTrue(longer.getMessage().contains("(" + "41 ".repeat(16) + "...)"), longer.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "c3",          // truncated 2-byte sequence
      "c0 80",       // overlong NUL
      "e0 80 80",    // overlong
      "ed a0 80",    // UTF-16 surrogate
      "f4 90 80 80", // above U+10FFFF
      "80",          // lone continuation byte
      "ff",          // never valid
      "e2 28 a1"})   // bad continuation
  void refusesInvalidUtf8ButByteReadAcceptsIt(String bad) {
    byte[] element = HEX.parseHex(bad);
    ByteBuffer frame = ByteBuffer.allocate(2 + element.length + 1);
    frame.putShort((short) (element.length + 1)).put(element).put((byte) 0).flip();
    InvalidUtf8Exception e = assertThrows(InvalidUtf8Exception.class,
        () -> MessageDecoder.decodeMessage(frame.duplicate()));
    assertTrue(e.getMessage().contains("element 0"), e.getMessage());
    assertArrayEquals(element, MessageDecoder.decodeMessageBytes(frame.duplicate()).get(0));
  }

  @Test
  void refusesScalarsOverTheMaximumFromTheHeaderAlone() {
    ByteBuffer header = hex("7f ff ff ff");
    ScalarTooLargeException e = assertThrows(ScalarTooLargeException.class,
        () -> MessageDecoder.decodeScalar(header, 1024));
    assertEquals("scalar is 2147483647 bytes (expected: <= 1024)", e.getMessage());
    assertThrows(ScalarTooLargeException.class,
        () -> MessageDecoder.decodeScalar(hex("ff ff ff ff"), Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> MessageDecoder.decodeScalar(header, -1));
  }

  @Test
  void hashes() {
    assertEquals(Map.of("a", "1", "b", ""), MessageDecoder.toHash(List.of("a", "1", "b", "")));
    OddHashException e = assertThrows(OddHashException.class,
        () -> MessageDecoder.toHash(List.of("a", "1", "b")));
    assertTrue(e.getMessage().contains("3 elements"), e.getMessage());
  }

  @Test
  void fdHeader() {
    assertEquals(Arrays.asList(WireFormat.FDS_MARKER, "2", "conn", "x"),
        MessageEncoder.withFdHeader(List.of("conn", "x"), 2));
    assertThrows(IllegalArgumentException.class,
        () -> MessageEncoder.withFdHeader(List.of("conn"), WireFormat.MAX_FDS_PER_MESSAGE + 1));
    assertThrows(IllegalArgumentException.class,
        () -> MessageEncoder.withFdHeader(List.of("conn"), 0));
  }

  @Test
  void refusesEncodingIntoTooSmallABuffer() {
    ByteBuffer dst = ByteBuffer.allocate(4);
    assertThrows(IllegalArgumentException.class,
        () -> MessageEncoder.encodeMessage(List.of("hello"), dst));
    assertEquals(0, dst.position());
  }
}
