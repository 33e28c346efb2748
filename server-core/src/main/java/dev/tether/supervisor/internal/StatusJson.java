package dev.tether.supervisor.internal;

import dev.tether.reactor.ExitStatus;
import dev.tether.supervisor.ExitRecord;
import dev.tether.supervisor.PoolStatus;
import dev.tether.supervisor.WorkerStatus;
import java.util.List;

/**
 * {@link PoolStatus} as JSON, written by hand (no dependency). Field names are stable: they are
 * what scripts parse. Durations are whole milliseconds in fields ending {@code Ms}, instants are
 * ISO-8601 text, and the output is pure ASCII: every string escapes quotes, backslashes, control
 * characters and everything beyond U+007E as {@code \\uXXXX}, so an output line holding escape
 * sequences, invalid UTF-16 or any script reaches a parser intact and a terminal harmless.
 * Stateless; thread-safe.
 */
public final class StatusJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private StatusJson() {}

  /** The whole status on one line. */
  public static String of(PoolStatus status) {
    StringBuilder b = new StringBuilder(256 + 256 * status.workers().size());
    b.append("{\"state\":");
    string(b, status.state().name());
    b.append(",\"size\":").append(status.size())
        .append(",\"ready\":").append(status.ready())
        .append(",\"queued\":").append(status.queued())
        .append(",\"workers\":[");
    for (int i = 0; i < status.workers().size(); i++) {
      b.append(i == 0 ? "" : ",");
      worker(b, status.workers().get(i));
    }
    b.append("],\"recentExits\":[");
    for (int i = 0; i < status.recentExits().size(); i++) {
      b.append(i == 0 ? "" : ",");
      exit(b, status.recentExits().get(i));
    }
    return b.append("]}").toString();
  }

  private static void worker(StringBuilder b, WorkerStatus w) {
    b.append("{\"slot\":").append(w.slot())
        .append(",\"pid\":").append(w.pid())
        .append(",\"state\":");
    string(b, w.state());
    b.append(",\"uptimeMs\":").append(w.uptime().toMillis())
        .append(",\"requestsServed\":").append(w.requestsServed())
        .append(",\"inFlight\":").append(w.inFlight())
        .append(",\"connections\":").append(w.connections())
        .append(",\"connectionsHanded\":").append(w.connectionsHanded())
        .append(",\"handoffs\":").append(w.handoffs())
        .append(",\"heapUsedBytes\":").append(w.heapUsed())
        .append(",\"loopLagMs\":").append(w.loopLag().toMillis())
        .append(",\"restarts\":").append(w.restarts())
        .append('}');
  }

  private static void exit(StringBuilder b, ExitRecord r) {
    b.append("{\"slot\":").append(r.slot())
        .append(",\"pid\":").append(r.pid())
        .append(",\"reason\":");
    string(b, r.reason().name());
    b.append(",\"status\":");
    exitStatus(b, r.status());
    b.append(",\"ready\":").append(r.ready())
        .append(",\"startedAt\":");
    string(b, r.startedAt().toString());
    b.append(",\"endedAt\":");
    string(b, r.endedAt().toString());
    b.append(",\"uptimeMs\":").append(r.uptime().toMillis())
        .append(",\"requestsServed\":").append(r.requestsServed())
        .append(",\"summary\":");
    string(b, r.summary());
    b.append(",\"lastOutput\":");
    strings(b, r.lastOutput());
    b.append(",\"threadDump\":");
    strings(b, r.threadDump());
    b.append('}');
  }

  private static void exitStatus(StringBuilder b, ExitStatus status) {
    if (status instanceof ExitStatus.Exited e) {
      b.append("{\"type\":\"exited\",\"code\":").append(e.code()).append('}');
    } else if (status instanceof ExitStatus.Signaled s) {
      b.append("{\"type\":\"signaled\",\"signal\":").append(s.signal()).append('}');
    } else {
      b.append("{\"type\":\"failedToStart\",\"cause\":");
      string(b, String.valueOf(((ExitStatus.FailedToStart) status).cause()));
      b.append('}');
    }
  }

  private static void strings(StringBuilder b, List<String> values) {
    b.append('[');
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ",");
      string(b, values.get(i));
    }
    b.append(']');
  }

  /** A JSON string literal of {@code s}, pure ASCII. */
  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
