package dev.tether.server;

/**
 * Handles a protobuf payload: the message {@code [name]} followed on the channel by one scalar
 * holding the serialized proto (what {@code server().write(name); server().writeProto(msg)}
 * sends). Registered with {@link AbstractServer#defineProtoHandler}. Same threading, ordering and
 * error rules as {@link MessageHandler}.
 *
 * <p>The worker takes the scalar (up to {@link
 * dev.tether.channel.MessageChannel#DEFAULT_MAX_SCALAR_SIZE} bytes) as it arrives, without blocking
 * its loop, and runs the handler once all of it is there. A payload that does not parse gets the
 * {@code ["error", "handler failed", ...]} reply. A scalar header announcing more than the maximum
 * is a broken stream: the worker's main loop ends (see {@link AbstractServer}), since the bytes
 * after it cannot be told from messages.
 *
 * @param <T> the protobuf message type
 */
@FunctionalInterface
public interface ProtoHandler<T> {
  /**
   * @param payload the parsed message
   * @throws Exception any failure; reported to the supervisor as for {@link MessageHandler}
   */
  void handle(T payload) throws Exception;
}
