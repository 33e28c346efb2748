package dev.tether.reactor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What {@link Reactor#system} reports once its child is done: the output (stdout, with stderr
 * when merged), whether it was cut at the output limit, and the exit status. {@code output} is
 * the caller's to keep (not copied again).
 *
 * @param output the first {@link ProcessOptions#outputLimit()} bytes the child wrote
 * @param truncated whether the child wrote more than the limit (the rest was read and dropped)
 * @param status how the child ended
 */
public record SystemResult(byte[] output, boolean truncated, ExitStatus status) {
  /** Checks that output and status are given. */
  public SystemResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(status, "status");
  }

  /** The output decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String outputText() {
    return new String(output, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SystemResult[" + output.length + " bytes" + (truncated ? " (truncated)" : "")
        + ", status=" + status + "]";
  }
}
