package dev.tether.examples.http;

import dev.tether.reactor.Connection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 server connection that answers every request with {@code 200 OK} and the body
 * {@code Hello, world!\n} ({@code text/plain}, with Content-Length and Date; HEAD gets the head
 * only). Give it to a reactor as any connection: {@code reactor.startServer(host, port,
 * HttpHelloConnection::new)}, or {@code reactor.attach(fd, new HttpHelloConnection())} for a
 * socket accepted elsewhere.
 *
 * <p><b>Keep-alive.</b> HTTP/1.1 connections stay open unless the request says {@code
 * Connection: close}; HTTP/1.0 ones close unless it says {@code Connection: keep-alive}. A closing
 * answer carries {@code Connection: close} and the connection closes once it is written; bytes
 * after that request are not read. There is no lingering close: a client still sending when the
 * connection closes may get a reset (RST) that discards the answer. A connection idle (no byte
 * read or written) for the idle timeout is closed by the reactor (65 s by default, give or take
 * its heartbeat interval).
 *
 * <p><b>Pipelining.</b> Requests are answered in order; the answers to all requests of one read
 * go out in one write. Request bodies (Content-Length, up to 1 MiB) are read and discarded, and
 * {@code Expect: 100-continue} gets its interim answer. Refused, with the reason in the body and
 * the connection closed after it: a head over 8 KiB (431), a malformed request (400), a body over
 * 1 MiB (413), any {@code Transfer-Encoding} (501: chunked requests are not handled), a version
 * other than 1.x (505). See {@link HttpRequestParser}.
 *
 * <p><b>Threading and ownership</b> are those of {@link Connection}: reactor thread only; the
 * reactor owns the fd. Answers are copied into a direct buffer of the reactor thread (16 KiB, one
 * per thread that ever served this class) and handed to {@link #sendData(ByteBuffer)}, which
 * copies what the socket does not take at once, so a request costs no allocation.
 */
public class HttpHelloConnection extends Connection {
  /** Idle keep-alive connections are closed after this (the default of design/SUPERVISOR.md). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(65);

  private static final ThreadLocal<ByteBuffer> OUT =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(16 * 1024));

  private final HttpRequestParser parser = new HttpRequestParser();
  private final Duration idleTimeout;
  private Consumer<ByteBuffer> leave; // draining: where it goes once between requests, or null

  /** A connection with the {@link #DEFAULT_IDLE_TIMEOUT}. */
  public HttpHelloConnection() {
    this(DEFAULT_IDLE_TIMEOUT);
  }

  /**
   * A connection closed after {@code idleTimeout} without traffic.
   *
   * @throws IllegalArgumentException if {@code idleTimeout} is not positive
   */
  public HttpHelloConnection(Duration idleTimeout) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout : " + idleTimeout + " (expected: > 0)");
    }
    this.idleTimeout = idleTimeout;
  }

  @Override
  protected void postInit() {
    setInactivityTimeout(idleTimeout);
  }

  @Override
  protected void receiveData(ByteBuffer data) {
    HelloResponses responses = HelloResponses.current();
    ByteBuffer out = OUT.get().clear();
    boolean closing = false;
    boolean leaving = false;
    while (!closing && !leaving && data.hasRemaining()) {
      switch (parser.parse(data)) {
        case INCOMPLETE:
          break;
        case CONTINUE_EXPECTED:
          append(out, HelloResponses.CONTINUE, HelloResponses.CONTINUE.length);
          break;
        case REQUEST:
          closing = !parser.keepAlive();
          leaving = !closing && leave != null;
          byte[] ok = responses.ok(!closing, parser.http10());
          append(out, ok, parser.isHead() ? ok.length - HelloResponses.BODY.length
              : ok.length);
          break;
        case REJECTED:
          closing = true;
          byte[] no = responses.rejection(parser.rejection(), parser.rejectionDetail());
          append(out, no, no.length);
          break;
      }
    }
    flush(out);
    if (closing) {
      closeConnectionAfterWriting();
    } else if (leaving) { // what follows the answered request was read, not handled: it goes too
      ByteBuffer unhandled = ByteBuffer.allocate(data.remaining()).put(data).flip();
      leaveOnceWritten(unhandled);
    }
  }

  /**
   * For a draining worker: once the connection is between requests (now, if it is) and its
   * answers are written, {@code to} gets what it read and did not handle (pipelined requests
   * after the last one answered); a pool worker hands the connection back there, so its client
   * keeps it and another worker answers what comes next. Reactor thread.
   */
  public void leaveWhenIdle(Consumer<ByteBuffer> to) {
    leave = to;
    if (parser.betweenRequests()) {
      leaveOnceWritten(ByteBuffer.allocate(0));
    }
  }

  /**
   * Reads nothing more (what comes stays in the socket, after {@code unhandled}: the order of the
   * client's bytes holds) and leaves once the answers are written, with nothing left queued.
   */
  private void leaveOnceWritten(ByteBuffer unhandled) {
    pause();
    Consumer<ByteBuffer> to = leave;
    write(() -> to.accept(unhandled));
  }

  /** Appends {@code bytes[0, length)} to {@code out}, writing {@code out} first if it is full. */
  private void append(ByteBuffer out, byte[] bytes, int length) {
    if (out.remaining() < length) { // every answer is far below the buffer's size
      flush(out);
      out.clear();
    }
    out.put(bytes, 0, length);
  }

  private void flush(ByteBuffer out) {
    out.flip();
    if (out.hasRemaining()) {
      sendData(out);
    }
  }
}
