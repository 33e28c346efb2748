package dev.tether.server.internal;

import dev.tether.channel.ChannelException;
import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.Fds;
import dev.tether.channel.internal.FrameReader;
import dev.tether.reactor.Connection;
import dev.tether.server.WorkerChannel;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * A worker's channel to its supervisor as a connection of its reactor: recvmsg into the
 * reactor's buffer (fds included), pushed into the {@link FrameReader} the start-up used, every
 * whole message dispatched in order, one at a time; a proto handler's message waits for its
 * scalar. Writes go through the connection's queue, with its watermarks: above the high one the
 * reactor stops reading this channel, so a supervisor that stops reading replies stops getting
 * its messages read instead of growing the queue.
 *
 * <p>Ends once, through {@code onEnd}: with null when the supervisor closed (end of stream
 * between units, hang-up, a reset or a broken pipe on write), with the failure when the stream
 * broke (malformed or out-of-step input, or an end inside a unit: the channel is closed at once,
 * and nothing after the bad unit is decoded) or the socket failed otherwise. The end comes
 * after the callback that caused it: after a handler returns, or at the end of the reactor's
 * turn (a timer's or a deferred callback's write).
 *
 * <p>Reactor thread only. The reactor owns the fd; this connection owns the reader's fds (closed
 * in {@link #unbind()}).
 */
final class ChannelConnection extends Connection {
  private static final int[] NO_FDS = {};

  private final FrameReader reader;
  private final Dispatcher dispatcher;
  private final WorkerChannel client;
  private final BooleanSupplier mayDispatch;
  private final Consumer<Throwable> onEnd;
  private int[] arrived = NO_FDS;
  private ReceivedMessage awaitingPayload;
  private Throwable failure; // what broke the channel on this side, or null
  private boolean dispatching; // a handler runs: an end it causes waits until it returns
  private boolean unbound;
  private Throwable endReason;

  /**
   * @param reader the start-up's reader, with what it buffered; this connection owns its fds
   * @param awaitingPayload a message of the start-up whose payload has not all come, or null
   * @param mayDispatch false once the main loop is ending: nothing more is dispatched
   * @param onEnd called once, after {@link #unbind()}: null, or what broke the channel
   */
  ChannelConnection(FrameReader reader, ReceivedMessage awaitingPayload, Dispatcher dispatcher,
      WorkerChannel client, BooleanSupplier mayDispatch, Consumer<Throwable> onEnd) {
    this.reader = reader;
    this.awaitingPayload = awaitingPayload;
    this.dispatcher = dispatcher;
    this.client = client;
    this.mayDispatch = mayDispatch;
    this.onEnd = onEnd;
  }

  @Override
  protected void postInit() {
    enableFileDescriptorReceiving(WireFormat.MAX_FDS_PER_MESSAGE);
  }

  @Override
  protected void receiveFileDescriptors(int[] fds) {
    arrived = fds; // they came with the bytes of the receiveData that follows
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    if (arrived.length > 0) {
      reader.fdsArrived(arrived, data.remaining());
      arrived = NO_FDS;
    }
    do {
      reader.push(data);
      dispatchBuffered();
    } while (data.hasRemaining() && !unbound && mayDispatch.getAsBoolean());
  }

  /** Dispatches every whole unit buffered, in order, while dispatching may go on. */
  void dispatchBuffered() {
    try {
      while (!unbound && mayDispatch.getAsBoolean()) {
        dispatching = true;
        try {
          if (awaitingPayload != null) {
            byte[] payload = reader.pollScalar(MessageChannel.DEFAULT_MAX_SCALAR_SIZE);
            if (payload == null) {
              return;
            }
            ReceivedMessage message = awaitingPayload;
            awaitingPayload = null;
            dispatcher.dispatch(message, payload, client);
          } else {
            List<String> elements = reader.pollElements();
            if (elements == null) {
              return;
            }
            List<FileDescriptor> fds = reader.takePolledFds();
            if (!dispatcher.dispatchUnlessPayload(elements, fds, client)) {
              awaitingPayload = new ReceivedMessage(elements, fds);
            }
          }
        } finally {
          dispatching = false;
        }
        if (unbound) { // the handler's write found the channel closed: the end comes after it
          onEnd.accept(endReason);
          return;
        }
      }
    } catch (ChannelException e) {
      failure = e;
      closeConnection();
    }
  }

  /**
   * Sends {@code src}, with {@code fds} on its first byte (the fd carrier byte, which
   * {@link #sendFileDescriptors} writes); dropped if the connection is closed.
   */
  void send(ByteBuffer src, FileDescriptor[] fds) {
    if (fds.length > 0) {
      int[] numbers = new int[fds.length];
      for (int i = 0; i < fds.length; i++) {
        numbers[i] = Fds.number(fds[i]);
      }
      if (src.get(src.position()) != 0) {
        throw new IllegalArgumentException("fd carrier byte : " + src.get(src.position())
            + " (expected: 0)");
      }
      try {
        sendFileDescriptors(numbers);
      } catch (RuntimeException e) { // the frame before it went out: the peer is out of step
        failure = e;
        closeConnection();
        throw e;
      }
      src.position(src.position() + 1);
    }
    if (src.hasRemaining()) {
      sendData(src);
    }
  }

  @Override
  protected void unbind() {
    unbound = true;
    Throwable reason = failure != null ? failure : closeReason();
    if (reason instanceof NativeCallException e
        && (e.errno() == Linux.ECONNRESET || e.errno() == Linux.EPIPE)) {
      LoggerFactory.getLogger(ChannelConnection.class)
          .debug("channel to the supervisor ended: {}", e.getMessage());
      reason = null; // the supervisor is gone: the end of the stream, not a failure of ours
    }
    // Only an end the reads met says the peer sent nothing more; with the loop still dispatching,
    // what is left buffered then is a unit cut short.
    if (reason == null && isInputEnded() && mayDispatch.getAsBoolean()) {
      try {
        reader.endOfStream(awaitingPayload != null);
      } catch (ChannelException e) {
        reason = e;
      }
    }
    if (awaitingPayload != null) {
      awaitingPayload.close();
      awaitingPayload = null;
    }
    for (int fd : arrived) {
      Io.close(fd);
    }
    arrived = NO_FDS;
    reader.closeAll();
    endReason = reason;
    if (!dispatching) { // after the callback that caused it (a timer's write, say), not inside
      reactor().nextTick(() -> onEnd.accept(endReason));
    }
  }
}
