package dev.tether.server;

import java.util.List;

/**
 * Handles one named message in a worker; registered with
 * {@link AbstractServer#defineMessageHandler}.
 *
 * <p><b>Threading and order.</b> Called on the worker's reactor thread, one message at a time, in
 * the order the messages arrived. It must not block: the whole worker waits while it runs. Move
 * blocking work to {@code reactor().defer(...)} and reply from the callback.
 *
 * <p><b>Replies.</b> A handler answers, if at all, with {@code client().write(...)} (any number of
 * messages, now or later). If it throws, the error is logged and the supervisor gets
 * {@code ["error", "handler failed", name, "<exception class>: <message>"]}; the worker goes on.
 *
 * <p><b>Fds.</b> If the message carried fds, they are closed after this handler returns; use a
 * {@link FdMessageHandler} to keep them.
 */
@FunctionalInterface
public interface MessageHandler {
  /**
   * @param args the message's elements after its name (immutable; possibly empty)
   * @throws Exception any failure; reported to the supervisor as described above
   */
  void handle(List<String> args) throws Exception;
}
