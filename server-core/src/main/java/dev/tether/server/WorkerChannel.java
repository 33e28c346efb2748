package dev.tether.server;

import com.google.protobuf.MessageLite;
import dev.tether.channel.codec.MessageEncoder;
import dev.tether.channel.codec.WireFormat;
import dev.tether.channel.internal.FrameWriter;
import dev.tether.server.internal.PoolRequests;
import dev.tether.server.internal.WorkerBootstrap;
import java.io.FileDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's end of its channel to the supervisor, for replies and messages of its own
 * ({@link AbstractServer#client()}): the write methods of
 * {@link dev.tether.channel.MessageChannel}, in the same wire format, without the reads (the
 * worker's loop reads and dispatches).
 *
 * <p><b>Never blocks.</b> Once the worker's reactor runs, the channel is one of its connections: a
 * write goes out at once if the socket takes it and is queued otherwise, so a supervisor that
 * stops reading stalls nothing but this channel. Back pressure is visible: {@link #isWritable()}
 * turns false above the queue's high watermark (256 KiB by default, as every reactor connection),
 * and the worker stops reading messages until the queue is back at its low watermark. A handler
 * that writes much on its own should check it, or continue in {@link #afterWriting}. In a child
 * worker's start-up, before the reactor runs ({@link ChildMain}), writes go straight to the socket.
 *
 * <p><b>Under a worker pool</b> ({@code dev.tether.supervisor.WorkerPool}), the first message a
 * request's handler writes with {@code write} (or {@link #writeHash}) is the request's reply and
 * goes out tagged with its id; the handler's other writes are plain messages. A handler that
 * answers later takes a {@link #deferReply()}; one that does neither is answered
 * {@code ["error", "no reply", name]}.
 *
 * <p><b>Threading.</b> The worker's reactor thread only (handlers, deferred callbacks, timers,
 * signal handlers all run there); from other threads, hand the write over with
 * {@code reactor().schedule(...)}. Others get a {@link dev.tether.reactor.ReactorException}.
 *
 * <p><b>Errors.</b> A write that the wire format refuses throws what
 * {@link dev.tether.channel.MessageChannel} throws (an element with NUL, a frame above 65535
 * bytes, a reserved name, too many fds) and writes nothing. A channel that closed or failed
 * drops what is written to it (the main loop is ending then; {@link #isOpen()} tells).
 *
 * <p><b>Fds.</b> Fds passed to {@link #writeWithFds} stay the caller's: the channel sends them or
 * queues close-on-exec duplicates of its own, so the caller may close them on return. The
 * channel's own fd belongs to the worker's loop.
 */
public final class WorkerChannel {
  private final WorkerBootstrap link;
  private final FrameWriter writer;
  private final PoolRequests requests;

  WorkerChannel(WorkerBootstrap link) {
    this.link = link;
    this.writer = new FrameWriter(link);
    this.requests = new PoolRequests(writer);
  }

  /** Writes message {@code [name, args...]}. */
  public void write(String name, String... args) {
    write(MessageEncoder.elements(name, args));
  }

  /**
   * Writes one message.
   *
   * @throws dev.tether.channel.InvalidElementException if an element contains NUL
   * @throws dev.tether.channel.ReservedNameException if the name starts with U+0001
   * @throws dev.tether.channel.FrameTooLargeException if the body exceeds 65535 bytes
   */
  public void write(List<String> message) {
    requests.write(message);
  }

  /**
   * The reply to the message being handled, to be sent later (see {@link DeferredReply}); the
   * handler then returns without replying. Under a worker pool, the request stays in flight until
   * the reply is sent.
   */
  public DeferredReply deferReply() {
    return requests.deferReply();
  }

  /** This worker's side of a pool's requests and heartbeats. */
  PoolRequests requests() {
    return requests;
  }

  /**
   * Writes several messages, packed into as few writes as their size allows; if one is refused,
   * those before it are written and it and those after it are not.
   */
  public void writeAll(List<? extends List<String>> messages) {
    writer.writeMessages(messages);
  }

  /** Writes one message of raw byte elements (checked as {@link #write(List)}). */
  public void writeBytes(List<byte[]> message) {
    writer.writeMessageBytes(message);
  }

  /**
   * Writes one message with {@code fds} attached, for the supervisor's
   * {@code server().readWithFds()}. The caller keeps ownership of {@code fds}.
   *
   * @throws dev.tether.channel.TooManyFdsException if there are more than
   *     {@value WireFormat#MAX_FDS_PER_MESSAGE} fds; nothing is written
   */
  public void writeWithFds(List<String> message, FileDescriptor... fds) {
    writer.writeMessage(message, fds);
  }

  /** Writes {@code hash} as alternating keys and values, in its iteration order. */
  public void writeHash(Map<String, String> hash) {
    write(MessageEncoder.fromHash(hash));
  }

  /** Writes {@code data} as one scalar. */
  public void writeScalar(byte[] data) {
    writer.writeScalar(data);
  }

  /** Writes {@code message} serialized as one scalar. */
  public void writeProto(MessageLite message) {
    writer.writeProto(message);
  }

  /** Whether the channel is open and its outgoing queue is at or below the high watermark. */
  public boolean isWritable() {
    return link.isWritable();
  }

  /** Bytes written and not yet taken by the socket. */
  public long outboundBytes() {
    return link.outboundBytes();
  }

  /** Whether the channel is open: false once the supervisor closed it or it failed. */
  public boolean isOpen() {
    return link.isOpen();
  }

  /**
   * Runs {@code callback} on the reactor thread once everything written before it has gone to the
   * socket: now if nothing is queued. It never runs if the channel closes first.
   */
  public void afterWriting(Runnable callback) {
    link.afterWriting(Objects.requireNonNull(callback, "callback"));
  }

  @Override
  public String toString() {
    return "WorkerChannel(" + link + ")";
  }
}
