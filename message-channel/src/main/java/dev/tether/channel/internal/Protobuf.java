package dev.tether.channel.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.tether.channel.MalformedFrameException;

/**
 * Parsing of protobuf scalars, in a class of its own: the bytecode verifier loads the exception
 * types a method catches, and a fresh worker's first reply should not wait for protobuf-java to be
 * found on the class path. Stateless.
 */
public final class Protobuf {
  private Protobuf() {}

  /**
   * Parses {@code bytes} with {@code parser}.
   *
   * @throws MalformedFrameException if the bytes are not a valid message for {@code parser}
   */
  public static <T> T parse(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedFrameException(
          "scalar of " + bytes.length + " bytes is not a valid protobuf message: "
              + e.getMessage(), e);
    }
  }
}
