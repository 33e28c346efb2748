package dev.tether.reactor;

/**
 * A system call failed: names the call and errno, e.g. {@code "connect(/127.0.0.1:1) failed with
 * error(111): Connection refused"}.
 */
public class NativeCallException extends ReactorException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  public NativeCallException(String call, int errno, String description) {
    super(call + " failed with error(" + errno + "): " + description);
    this.call = call;
    this.errno = errno;
  }

  /** The call that failed, with its main argument. */
  public String call() {
    return call;
  }

  /** The errno it failed with. */
  public int errno() {
    return errno;
  }
}
