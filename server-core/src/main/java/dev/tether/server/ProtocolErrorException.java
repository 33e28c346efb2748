package dev.tether.server;

/**
 * The worker answered {@link AbstractServer#call} with bytes that are not a reply: a frame that
 * breaks the wire format, an element that is not UTF-8, or fds riding on the reply. Thrown as soon
 * as the reply is read (the worker may well be running). The cause is the channel's
 * {@link dev.tether.channel.ChannelException}, whose message names the offending bytes; this
 * message adds the server class, the pid and the message, e.g. {@code server
 * dev.tether.it.FaultyServer (pid 4242) answered 'corrupt' with a malformed reply: element 1 is
 * not valid UTF-8: byte 0xc3 at offset 0 (...)}.
 *
 * <p>The bad frame has been consumed, so the channel stays in step with the stream; whether the
 * worker's later replies can be trusted is the caller's decision ({@link AbstractServer#stop()}
 * when in doubt).
 */
public final class ProtocolErrorException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final int pid;

  /** Creates the exception for the reply to {@code messageName}, refused by the channel. */
  public ProtocolErrorException(String serverClass, int pid, String messageName,
      RuntimeException cause) {
    super("server " + serverClass + " (pid " + pid + ") answered '" + messageName
        + "' with a malformed reply: " + cause.getMessage(), cause);
    this.pid = pid;
  }

  /** The worker's pid. */
  public int pid() {
    return pid;
  }
}
