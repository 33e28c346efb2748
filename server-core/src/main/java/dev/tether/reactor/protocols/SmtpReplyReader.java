package dev.tether.reactor.protocols;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SMTP replies ("250-first", "250 last") from a byte stream in any chunking, each line at
 * most a fixed length and each reply at most a fixed number of lines, so a hostile server cannot
 * make the client buffer without bound.
 */
final class SmtpReplyReader {
  private final LineSplitter lines;
  private final int maxLines;
  private final List<String> texts = new ArrayList<>();
  private int code = -1;

  SmtpReplyReader(int maxLineLength, int maxLines) {
    this.lines = LineSplitter.wholeLines(maxLineLength);
    this.maxLines = maxLines;
  }

  /**
   * The next complete reply from {@code in}, or null if {@code in} ran out before one ended.
   *
   * @throws SmtpException if a line is malformed, too long, or the reply has too many lines
   */
  SmtpReply next(ByteBuffer in) {
    int result;
    while ((result = lines.poll(in)) != LineSplitter.NEED_MORE) {
      if (result == LineSplitter.TOO_LONG) {
        throw new SmtpException("reply line longer than " + lines.maxLineLength()
            + " bytes");
      }
      String line = lines.line();
      if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' '
          && line.charAt(3) != '-')) {
        throw new SmtpException("unreadable reply line: " + abbreviate(line));
      }
      int lineCode;
      try {
        lineCode = Integer.parseInt(line.substring(0, 3));
      } catch (NumberFormatException e) {
        throw new SmtpException("unreadable reply line: " + abbreviate(line));
      }
      if (lineCode < 200 || lineCode > 599 || (code >= 0 && lineCode != code)) {
        throw new SmtpException("unreadable reply line: " + abbreviate(line));
      }
      code = lineCode;
      texts.add(line.length() > 4 ? line.substring(4) : "");
      if (texts.size() > maxLines) {
        throw new SmtpException("reply longer than " + maxLines + " lines");
      }
      if (line.length() == 3 || line.charAt(3) == ' ') {
        SmtpReply reply = new SmtpReply(code, texts);
        texts.clear();
        code = -1;
        return reply;
      }
    }
    return null;
  }

  private static String abbreviate(String line) {
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }
}
