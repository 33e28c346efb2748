package dev.tether.reactor.protocols;

/**
 * An SMTP session that failed: the server refused a command (then {@link #reply()} is its reply,
 * code and text), or the session broke off (closed, timed out, an unreadable reply; then
 * {@link #reply()} is null).
 */
public class SmtpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SmtpReply reply;

  /** A refusal: {@code command} (as sent, without CRLF) got the negative {@code reply}. */
  public SmtpException(String command, SmtpReply reply) {
    super(command + " failed: " + reply.code() + " " + reply.text());
    this.reply = reply;
  }

  /** A broken session, with {@code message} saying where and why it broke. */
  public SmtpException(String message) {
    super(message);
    this.reply = null;
  }

  /** A broken session, with {@code message} saying where it broke and {@code cause} (or null). */
  public SmtpException(String message, Throwable cause) {
    super(message, cause);
    this.reply = null;
  }

  /** The server's negative reply, or null if the session broke off without one. */
  public SmtpReply reply() {
    return reply;
  }
}
