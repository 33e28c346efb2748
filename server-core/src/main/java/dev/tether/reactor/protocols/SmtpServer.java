package dev.tether.reactor.protocols;

import dev.tether.reactor.Connection;
import dev.tether.reactor.TlsOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The server side of SMTP (RFC 5321) on a reactor connection (EventMachine's {@code
 * EM::Protocols::SmtpServer}): subclass it, override the hooks, and serve it with {@code
 * reactor.startServer(host, port, MySmtpServer::new)}.
 *
 * <p><b>Protocol.</b> A 220 greeting, then EHLO (advertising PIPELINING, 8BITMIME and SIZE) or
 * HELO, MAIL FROM (with a SIZE parameter checked against the limit), RCPT TO (several), DATA with
 * dot-stuffing undone and the final {@code ".\r\n"}, RSET, NOOP, VRFY (answered 252) and QUIT.
 * Errors get RFC 5321's codes: 500 for an unknown command or an overlong line, 501 for bad
 * arguments, 503 for a command out of sequence, 552 for a message over the size limit, 452 past
 * the recipient limit, 550 when a hook refuses. Replies go out in command order, so pipelining
 * clients work whatever the chunking of their input. STARTTLS (RFC 3207) is offered when {@link
 * #startTlsOptions()} gives options: after its 220 the rest of the plaintext input is dropped,
 * TLS starts, and the client greets again with EHLO. No AUTH is offered.
 *
 * <p><b>Limits.</b> A line (command or message text) holds at most {@link #maxLineLength()} bytes
 * with its CRLF (RFC 5321's 1000 by default); a message at most {@link #maxMessageSize()} bytes
 * (10 MiB by default), kept in memory until {@link #receiveMessage}; a transaction at most
 * {@link #maxRecipients()} recipients (100, RFC 5321's minimum, by default). Past a limit the
 * excess is dropped, not buffered, and answered with the error code.
 *
 * <p><b>Threading.</b> As every {@link Connection}: the hooks run on the reactor thread, in the
 * order the commands arrived, and must not block. A hook that throws is logged and answered as
 * a refusal (550; a message chunk or reset hook that throws is only logged); the session goes on.
 * The reactor owns the socket, as for any connection.
 */
public class SmtpServer extends Connection {
  /** RFC 5321's limit on a line's length, CRLF included. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1000;
  /** The default limit on a message's size: 10 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;
  /** The default limit on recipients per message: RFC 5321's minimum of 100. */
  public static final int DEFAULT_MAX_RECIPIENTS = 100;

  private final String domain;
  private final int maxLineLength;
  private final int maxMessageSize;
  private final int maxRecipients;
  private final SmtpServerSession session;
  private boolean tlsStarted;

  /** A server named "localhost" with the default limits. */
  public SmtpServer() {
    this("localhost", DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RECIPIENTS);
  }

  /**
   * A server that calls itself {@code domain} in its greeting and replies, with these limits.
   *
   * @throws IllegalArgumentException naming the value if {@code domain} is empty or holds
   *     whitespace, {@code maxLineLength} is below 512 (RFC 5321's command line), {@code
   *     maxMessageSize} below 1 or {@code maxRecipients} below 1
   */
  public SmtpServer(String domain, int maxLineLength, int maxMessageSize, int maxRecipients) {
    this.domain = Checks.domain("domain", domain);
    this.maxLineLength = Checks.atLeast("maxLineLength", maxLineLength, 512);
    this.maxMessageSize = Checks.positive("maxMessageSize", maxMessageSize);
    this.maxRecipients = Checks.positive("maxRecipients", maxRecipients);
    this.session = new SmtpServerSession(this, this::sendReply);
  }

  /** The name this server gives in its greeting and replies. */
  public final String domain() {
    return domain;
  }

  /** The longest line accepted, in bytes with its CRLF. */
  public final int maxLineLength() {
    return maxLineLength;
  }

  /** The largest message accepted, in bytes (as advertised with SIZE). */
  public final int maxMessageSize() {
    return maxMessageSize;
  }

  /** The most recipients accepted per message. */
  public final int maxRecipients() {
    return maxRecipients;
  }

  /**
   * Called with the domain of EHLO or HELO; false refuses it (550). The default accepts.
   * Subclasses that override {@code postInit} must call {@code super.postInit()} (it greets).
   */
  protected boolean receiveEhloDomain(String domain) {
    return true;
  }

  /** Called with MAIL FROM's address ("" for {@code <>}); false refuses it (550). */
  protected boolean receiveSender(String sender) {
    return true;
  }

  /** Called with each RCPT TO's address; false refuses it (550). */
  protected boolean receiveRecipient(String recipient) {
    return true;
  }

  /**
   * Called when a transaction ends without a message or after one: on RSET, EHLO/HELO, and after
   * each message's final dot (EventMachine's {@code receive_reset}).
   */
  protected void receiveReset() {}

  /**
   * Called with each line of message text as it arrives, dot-stuffing undone, CRLF included.
   * {@code line} is read-only and valid only during the call. The default does nothing: the
   * whole message also comes to {@link #receiveMessage}.
   */
  protected void receiveDataChunk(ByteBuffer line) {}

  /**
   * Called with each complete message after its final dot; true accepts it (250), false refuses
   * it (550). The default accepts.
   */
  protected boolean receiveMessage(SmtpMail mail) {
    return true;
  }

  /**
   * The TLS settings (a server certificate) for STARTTLS, or null (the default) not to offer it.
   * Asked at each EHLO and STARTTLS until TLS is on.
   */
  protected TlsOptions startTlsOptions() {
    return null;
  }

  final boolean offersStartTls() {
    return !tlsStarted && startTlsOptions() != null;
  }

  /** Sends the 220 greeting; overrides must call it. */
  @Override
  protected void postInit() {
    sendReply("220 " + domain + " ESMTP Tether\r\n");
  }

  /** Feeds the session; overriding it breaks the protocol. */
  @Override
  protected final void receiveData(ByteBuffer data) {
    session.feed(data);
    if (session.quit()) {
      closeConnectionAfterWriting();
    } else if (session.startingTls()) {
      data.position(data.limit()); // plaintext after STARTTLS: dropped (RFC 3207, 4.2)
      tlsStarted = true;
      session.tlsStarted();
      startTls(startTlsOptions());
    }
  }

  private void sendReply(String text) {
    sendData(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "SmtpServer[" + domain + "]";
  }
}
