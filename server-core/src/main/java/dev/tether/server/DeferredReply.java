package dev.tether.server;

import dev.tether.channel.codec.MessageEncoder;
import java.util.List;

/**
 * The reply to the message being handled, to be sent later: from a deferred callback, a timer or
 * another connection's event, once the answer is known. {@link WorkerChannel#deferReply()} makes
 * one. Under a worker pool the reply carries the request's id, so the pool matches it to its
 * request whatever was answered in between; under {@link AbstractServer#call} (one exchange at a
 * time) it is a plain message.
 *
 * <p>Reactor thread only. Sends once: a second {@link #send} throws {@link IllegalStateException}.
 * A reply the wire format refuses (see {@link WorkerChannel#write(List)}) throws and is not
 * consumed.
 */
public interface DeferredReply {
  /** Sends {@code reply}. */
  void send(List<String> reply);

  /** Sends {@code [name, args...]}. */
  default void send(String name, String... args) {
    send(MessageEncoder.elements(name, args));
  }
}
