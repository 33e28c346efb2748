package dev.tether.supervisor;

import dev.tether.server.TetherException;

/**
 * A systemd variable in the process environment has a value Tether cannot use, or names fds that
 * are not what systemd promises. The message names the variable, its value and what was expected,
 * e.g. {@code "LISTEN_FDS : abc (expected: a positive integer)"}.
 */
public class SystemdEnvironmentException extends TetherException {
  private static final long serialVersionUID = 1L;

  SystemdEnvironmentException(String variable, String value, String expected) {
    super(variable + " : " + value + " (expected: " + expected + ")");
  }
}
