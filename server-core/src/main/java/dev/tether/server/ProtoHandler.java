package dev.tether.server;

/**
 * Handles a protobuf payload: the message {@code [name]} followed on the channel by one scalar
 * holding the serialized proto (what {@code server().write(name); server().writeProto(msg)}
 * sends). Registered with {@link AbstractServer#defineProtoHandler}. Same threading, ordering and
 * error rules as {@link MessageHandler}.
 *
 * <p>The dispatcher reads the scalar with {@code client().readProto(parser)} right after the name;
 * if the scalar is not wholly buffered yet, that read blocks the worker until it arrives. A payload
 * that does not parse gets the {@code ["error", "handler failed", ...]} reply.
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
