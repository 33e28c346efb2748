package dev.tether.reactor.protocols;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One mail as SMTP carries it: the envelope (reverse path and recipients) and the content
 * (header lines, an empty line, the body) with CRLF line ends and without dot-stuffing.
 * Immutable; the content array is copied in and out.
 */
public final class SmtpMail {
  private final String sender;
  private final List<String> recipients;
  private final byte[] content;

  /**
   * A mail from {@code sender} ("" for the null reverse path {@code <>}) to {@code recipients}
   * (at least one) with {@code content}.
   *
   * @throws IllegalArgumentException if there is no recipient, or an address contains CR, LF,
   *     {@code <} or {@code >} (it would break the command line it goes into)
   */
  public SmtpMail(String sender, List<String> recipients, byte[] content) {
    this.sender = checkAddress("sender", sender);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("recipients : [] (expected: at least one)");
    }
    for (String r : recipients) {
      checkAddress("recipient", r);
    }
    this.recipients = List.copyOf(recipients);
    this.content = content.clone();
  }

  /**
   * A mail whose content is {@code headers} ("Name: value" lines, in the map's order), an empty
   * line and {@code body}; the body's line ends (LF or CRLF) become CRLF and it ends with one.
   *
   * @throws IllegalArgumentException as the constructor, or naming the header if a name or value
   *     contains CR or LF (it would inject header lines)
   */
  public static SmtpMail of(String sender, List<String> recipients, Map<String, String> headers,
      String body) {
    StringBuilder text = new StringBuilder();
    headers.forEach((name, value) -> {
      if ((name + value).indexOf('\r') >= 0 || (name + value).indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + name.replace("\r", "\\r")
            .replace("\n", "\\n") + " (expected: a name and value without CR or LF)");
      }
    });
    headers.forEach((name, value) -> text.append(name).append(": ").append(value)
        .append("\r\n"));
    text.append("\r\n");
    String normalized = body.replace("\r\n", "\n").replace("\n", "\r\n");
    text.append(normalized);
    if (!normalized.isEmpty() && !normalized.endsWith("\r\n")) {
      text.append("\r\n");
    }
    return new SmtpMail(sender, recipients, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String checkAddress(String what, String address) {
    Objects.requireNonNull(address, what);
    for (char c : new char[] {'\r', '\n', '<', '>'}) {
      if (address.indexOf(c) >= 0) {
        throw new IllegalArgumentException(what + " : " + address.replace("\r", "\\r")
            .replace("\n", "\\n") + " (expected: an address without CR, LF, '<' or '>')");
      }
    }
    return address;
  }

  /** The reverse path without angle brackets; "" for the null reverse path. */
  public String sender() {
    return sender;
  }

  /** The forward paths without angle brackets, in the order given. */
  public List<String> recipients() {
    return recipients;
  }

  /** A copy of the content bytes (CRLF line ends, not dot-stuffed). */
  public byte[] content() {
    return content.clone();
  }

  /** The content decoded as UTF-8. */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

  /** The content's size in bytes. */
  public int size() {
    return content.length;
  }

  @Override
  public String toString() {
    return "SmtpMail[from=<" + sender + ">, to=" + recipients + ", " + content.length + " bytes]";
  }
}
