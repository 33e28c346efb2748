package dev.tether.reactor.protocols;

import java.util.List;

/**
 * One SMTP reply: its three-digit code and its text lines (one per line of a multi-line reply,
 * without the code and separator).
 *
 * @param code the reply code, 200..599
 * @param lines the text of each line, at least one (possibly empty)
 */
public record SmtpReply(int code, List<String> lines) {
  /** Copies {@code lines}. */
  public SmtpReply {
    lines = List.copyOf(lines);
  }

  /** The lines joined with '\n'. */
  public String text() {
    return String.join("\n", lines);
  }

  /** Whether the code is 2xx or 3xx. */
  public boolean positive() {
    return code < 400;
  }

  @Override
  public String toString() {
    return code + " " + String.join(" / ", lines);
  }
}
