package dev.tether.reactor.protocols;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tether.reactor.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Protobuf messages both ways, each prefixed with its length as a varint (EventMachine's {@code
 * EM::Protocols::ObjectProtocol}, with protobuf instead of Marshal; never Java serialization). The
 * framing is protobuf's own {@code writeDelimitedTo} / {@code parseDelimitedFrom}, so a Java or
 * Python peer using those interoperates. Messages read arrive in {@link #receiveObject}, parsed by
 * the {@link Parser} given at construction; {@link #sendObject} writes one.
 *
 * <p><b>Limits.</b> A message larger than the maximum message size (default {@link
 * #DEFAULT_MAX_MESSAGE_SIZE}), a length prefix longer than 5 bytes or above 2^31 - 1, or bytes
 * that do not parse are a {@link ProtocolViolationException} to {@link #protocolError}, whose
 * default closes the connection with its message as reason; nothing of an oversized message is
 * buffered. A message is parsed straight from the read buffer when one read holds it whole, and
 * collected otherwise in one reused array that grows to at most the maximum.
 *
 * <p><b>Threading.</b> As {@link Connection}: every method and callback on the reactor thread.
 *
 * @param <M> the type of the messages received
 */
public abstract class ObjectProtocol<M extends MessageLite> extends Connection {
  /** The default largest message, either way: 1 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

  private static final int MAX_VARINT_BYTES = 5;

  private final Parser<M> parser;
  private final int maxMessageSize;
  private int lengthValue;
  private int lengthBytes;
  /** The length of the message being read; -1 while its prefix is. */
  private int size = -1;
  private byte[] buffer = new byte[0];
  private int filled;

  /** With the default maximum message size. */
  protected ObjectProtocol(Parser<M> parser) {
    this(parser, DEFAULT_MAX_MESSAGE_SIZE);
  }

  /**
   * @throws IllegalArgumentException if {@code maxMessageSize} is not positive
   */
  protected ObjectProtocol(Parser<M> parser, int maxMessageSize) {
    this.parser = Objects.requireNonNull(parser, "parser");
    this.maxMessageSize = Checks.positive("maxMessageSize", maxMessageSize);
  }

  /** The maximum message size in bytes (without prefix) given at construction. */
  public final int maxMessageSize() {
    return maxMessageSize;
  }

  /** Called with each message read, in order. */
  protected abstract void receiveObject(M message);

  /**
   * Called when the peer sends an oversized or malformed message. The default closes the
   * connection at once with the exception's message as reason; if an override keeps it open,
   * reading goes on with the next bytes as a new length prefix (an oversized message's bytes are
   * not skipped: the stream is then out of step).
   */
  protected void protocolError(ProtocolViolationException error) {
    closeConnection(error.getMessage());
  }

  /**
   * Sends {@code message} with its varint length prefix, as {@link #sendData(ByteBuffer)} does;
   * returns as that.
   *
   * @throws IllegalArgumentException if it serializes to more than the maximum message size (the
   *     peer of the same settings would refuse it); nothing is sent
   */
  public final boolean sendObject(MessageLite message) {
    Objects.requireNonNull(message, "message");
    int length = message.getSerializedSize();
    if (length > maxMessageSize) {
      throw new IllegalArgumentException("message of " + length + " bytes exceeds "
          + maxMessageSize + " (" + message.getClass().getName() + ")");
    }
    byte[] frame = new byte[CodedOutputStream.computeUInt32SizeNoTag(length) + length];
    CodedOutputStream out = CodedOutputStream.newInstance(frame);
    try {
      out.writeUInt32NoTag(length);
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("serializing into an array of its own size failed", e);
    }
    return sendData(frame);
  }

  /** Splits input into messages; final so that no byte bypasses the framing. */
  @Override
  protected final void receiveData(ByteBuffer data) {
    while (data.hasRemaining() && isOpen()) {
      if (size < 0) {
        readPrefix(data);
      } else if (filled == 0 && data.remaining() >= size) {
        ByteBuffer whole = data.slice(data.position(), size);
        data.position(data.position() + size);
        deliver(whole);
      } else {
        int n = Math.min(size - filled, data.remaining());
        data.get(buffer, filled, n);
        filled += n;
        if (filled == size) {
          deliver(ByteBuffer.wrap(buffer, 0, size));
        }
      }
    }
  }

  private void readPrefix(ByteBuffer data) {
    byte b = data.get();
    lengthValue |= (b & 0x7f) << (7 * lengthBytes);
    lengthBytes++;
    if (b < 0) { // more prefix bytes follow
      if (lengthBytes == MAX_VARINT_BYTES) {
        fail(new ProtocolViolationException(
            "length prefix longer than " + MAX_VARINT_BYTES + " bytes"));
      }
      return;
    }
    int length = lengthValue;
    boolean valid = lengthBytes < MAX_VARINT_BYTES || (b & 0xf8) == 0; // 31 bits at most
    lengthValue = 0;
    lengthBytes = 0;
    if (!valid || length > maxMessageSize) {
      String shown = valid ? Integer.toString(length) : "above 2147483647";
      fail(new ProtocolViolationException(
          "message length " + shown + " exceeds " + maxMessageSize));
      return;
    }
    size = length;
    filled = 0;
    if (buffer.length < size && data.remaining() < size) {
      buffer = Arrays.copyOf(buffer, Math.min(maxMessageSize, Math.max(size, buffer.length * 2)));
    }
    if (size == 0) {
      deliver(ByteBuffer.allocate(0)); // an empty message ends with its prefix
    }
  }

  private void deliver(ByteBuffer bytes) {
    int length = size;
    size = -1;
    filled = 0;
    M message;
    try {
      message = parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      fail(new ProtocolViolationException(
          "message of " + length + " bytes does not parse: " + e.getMessage(), e));
      return;
    }
    receiveObject(message);
  }

  private void fail(ProtocolViolationException error) {
    size = -1;
    filled = 0;
    lengthValue = 0;
    lengthBytes = 0;
    protocolError(error);
  }
}
