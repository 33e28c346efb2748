package dev.tether.unix.internal;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.jnr.Libc;

/**
 * The one errno source and the one failure format. Thread-safe. Read errno right after the failed
 * call, on the same thread: anything in between may overwrite it.
 */
public final class Errors {
  private Errors() {}

  /** errno saved by the last failed call on this thread. */
  public static int errno() {
    return Libc.errno();
  }

  /** The C library's text for {@code errno}, e.g. "Connection refused" for 111. */
  public static String describe(int errno) {
    String text = Libc.files().strerror(errno);
    return text != null ? text : "unknown error";
  }

  /** The exception for {@code function(argument)} failing with the errno saved just now. */
  public static NativeCallException failure(String function, Object argument) {
    return failure(function, argument, errno());
  }

  /** The exception for {@code function(argument)} failing with {@code errno}. */
  public static NativeCallException failure(String function, Object argument, int errno) {
    return new NativeCallException(function, String.valueOf(argument), errno, describe(errno));
  }
}
