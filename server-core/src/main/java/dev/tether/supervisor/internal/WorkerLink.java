package dev.tether.supervisor.internal;

import dev.tether.channel.ChannelException;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.Fds;
import dev.tether.channel.internal.FrameReader;
import dev.tether.reactor.Connection;
import dev.tether.unix.internal.Io;
import java.io.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The pool's end of one worker's channel, as a connection of the pool's reactor: every message
 * the worker writes is decoded and handed on in order; messages to it are queued with the
 * connection's watermarks, so a worker that stops reading costs its own queue only.
 *
 * <p>Ends once, through {@code onEnd} after {@link #unbind()}: with null at the worker's end of
 * stream (or a reset), with the failure if the worker wrote something that is not the wire
 * format (the connection is closed then, nothing after it decoded).
 *
 * <p>Reactor thread only. The reactor owns the fd; fds that come with a message (a connection
 * handed back) go to {@code onMessage} with it; those of a unit left unread are closed here.
 */
final class WorkerLink extends Connection {
  private final FrameReader reader = FrameReader.pushed();
  private final BiConsumer<List<String>, int[]> onMessage;
  private final Consumer<Throwable> onEnd;
  private int[] arrived = {};
  private Throwable failure;

  /**
   * @param onMessage takes each message and the fds that came with it, which it owns (and must
   *     close if it does not keep them)
   * @param onEnd called once, after {@link #unbind()}: null, or what broke the stream
   */
  WorkerLink(BiConsumer<List<String>, int[]> onMessage, Consumer<Throwable> onEnd) {
    this.onMessage = onMessage;
    this.onEnd = onEnd;
  }

  @Override
  protected void postInit() {
    enableFileDescriptorReceiving(WireFormat.MAX_FDS_PER_MESSAGE);
  }

  @Override
  protected void receiveFileDescriptors(int[] fds) {
    arrived = fds;
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    try {
      if (arrived.length > 0) {
        reader.fdsArrived(arrived, data.remaining());
        arrived = new int[0];
      }
      do {
        reader.push(data);
        List<String> message;
        while (isOpen() && (message = reader.pollElements()) != null) {
          List<FileDescriptor> fds = reader.takePolledFds();
          int[] numbers = new int[fds.size()];
          for (int i = 0; i < numbers.length; i++) {
            numbers[i] = Fds.number(fds.get(i));
          }
          onMessage.accept(message, numbers);
        }
      } while (data.hasRemaining() && isOpen());
    } catch (ChannelException e) {
      failure = e;
      closeConnection();
    }
  }

  /**
   * Queues {@code message} for the worker.
   *
   * @throws dev.tether.channel.InvalidElementException if an element has NUL
   * @throws dev.tether.channel.FrameTooLargeException if it exceeds the frame limit
   */
  void send(List<String> message) {
    ByteBuffer frame = ByteBuffer.allocate(MessageEncoder.messageSize(message));
    MessageEncoder.encodeMessage(message, frame);
    sendData(frame.flip());
  }

  /** Queues {@code message} with {@code fd} attached; the caller keeps {@code fd}. */
  void sendWithFd(List<String> message, int fd) {
    send(MessageEncoder.withFdHeader(message, 1));
    try {
      sendFileDescriptors(fd); // the carrier byte the header announces
    } catch (RuntimeException e) { // EMFILE for a queued duplicate: the header is out alone, and
      closeConnection(); // the worker's stream would be out of step: it ends, its fds re-homed
      throw e;
    }
  }

  @Override
  protected void unbind() {
    for (int fd : arrived) {
      Io.close(fd);
    }
    reader.closeAll();
    Throwable reason = failure;
    if (reason == null && isInputEnded()) {
      try {
        reader.endOfStream(false);
      } catch (ChannelException e) {
        reason = e;
      }
    }
    onEnd.accept(reason);
  }
}
