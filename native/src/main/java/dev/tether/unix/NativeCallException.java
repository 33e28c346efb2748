package dev.tether.unix;

/**
 * A system call failed. The message names the call, its main argument and the errno with the C
 * library's text, as Netty does: {@code "connect(/127.0.0.1:1) failed with error(111): Connection
 * refused"}; {@code ".."} stands for an argument not worth naming. Callers classify the failure by
 * {@link #errno()}, never by the message.
 */
public class NativeCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String function;
  private final int errno;

  /**
   * @param function the C function, e.g. {@code "recvmsg"}
   * @param argument what it was called on, e.g. an fd number or an address; {@code ".."} if none
   * @param errno the error number
   * @param description the C library's text for {@code errno}
   */
  public NativeCallException(String function, String argument, int errno, String description) {
    super(function + "(" + argument + ") failed with error(" + errno + "): " + description);
    this.function = function;
    this.errno = errno;
  }

  /** The C function that failed, without arguments, e.g. {@code "posix_spawnp"}. */
  public String function() {
    return function;
  }

  /** The error number (ENOENT = 2, EBADF = 9, ECONNREFUSED = 111, ...). */
  public int errno() {
    return errno;
  }
}
