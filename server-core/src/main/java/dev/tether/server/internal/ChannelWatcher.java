package dev.tether.server.internal;

import dev.tether.channel.ChannelException;
import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.reactor.Watcher;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the worker's channel on the reactor: when it is readable, one {@code readOnce()}, then
 * every wholly buffered message is dispatched, one at a time, in order. End of stream or a broken
 * stream ends the main loop through {@code onEnd} (with null, or the failure). Reactor thread
 * only. Does not own the channel.
 */
public final class ChannelWatcher extends Watcher {
  private final MessageChannel client;
  private final Dispatcher dispatcher;
  private final BooleanSupplier quitting;
  private final Consumer<Throwable> onEnd;
  private boolean ended;

  /**
   * @param quitting true once the main loop should dispatch nothing more
   * @param onEnd called once, with null at end of stream or with the failure of the stream
   */
  public ChannelWatcher(MessageChannel client, Dispatcher dispatcher, BooleanSupplier quitting,
      Consumer<Throwable> onEnd) {
    this.client = client;
    this.dispatcher = dispatcher;
    this.quitting = quitting;
    this.onEnd = onEnd;
  }

  @Override
  protected void notifyReadable() {
    if (ended) {
      return;
    }
    try {
      if (!client.readOnce()) {
        log().debug("end of stream on {}: the supervisor closed it or is gone", client);
        end(null);
        return;
      }
      dispatchBuffered();
    } catch (ChannelException e) {
      log().error("channel {} is broken; ending the main loop", client, e);
      end(e);
    }
  }

  /** Dispatches every wholly buffered message, one at a time, in order; never reads. */
  void dispatchBuffered() {
    if (!ended && !quitting.getAsBoolean()) {
      client.pollMessages(this::dispatch);
    }
  }

  /** Dispatches {@code message}; false once no further one may be dispatched. */
  private boolean dispatch(ReceivedMessage message) {
    dispatcher.dispatch(message, client);
    return !ended && !quitting.getAsBoolean();
  }

  /** Looked up when needed, as in Dispatcher: logging starts with the first log, not the loop. */
  private static Logger log() {
    return LoggerFactory.getLogger(ChannelWatcher.class);
  }

  private void end(Throwable failure) {
    ended = true;
    setNotifyReadable(false); // a level-triggered poll would report the hang-up every turn
    onEnd.accept(failure);
  }
}
