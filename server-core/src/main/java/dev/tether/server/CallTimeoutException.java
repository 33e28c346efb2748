package dev.tether.server;

import java.time.Duration;

/**
 * {@link AbstractServer#call(Duration, String, String...)} got no reply within its timeout. The
 * message names the server class, the worker's pid, the message and the timeout, e.g.
 * {@code server dev.tether.it.FaultyServer (pid 4242) sent no reply to 'slow' within 500 ms;
 * closed its channel}.
 *
 * <p>If the request had been written ({@link #closedChannel()} true), the supervisor closed the
 * channel: a reply that came later would otherwise be read as the reply to the next call. Every
 * later call then throws {@link ServerBrokenException} until the server is stopped (or, once the
 * worker has exited, started again). If the deadline passed while another exchange held the
 * channel, nothing was written and the channel stays usable.
 */
public final class CallTimeoutException extends TetherException {
  private static final long serialVersionUID = 1L;

  private final String messageName;
  private final int pid;
  private final Duration timeout;
  private final boolean closedChannel;

  /**
   * Creates the exception.
   *
   * @param serverClass the worker's {@link AbstractServer} subclass
   * @param pid the worker's pid
   * @param messageName the name of the message that got no reply
   * @param timeout the call's timeout
   * @param closedChannel whether the supervisor closed the channel (the request was written)
   */
  public CallTimeoutException(String serverClass, int pid, String messageName, Duration timeout,
      boolean closedChannel) {
    super("server " + serverClass + " (pid " + pid + ") sent no reply to '" + messageName
        + "' within " + timeout.toMillis() + " ms; " + (closedChannel
            ? "closed its channel (a late reply would go to the next call)"
            : "another exchange held the channel all along (nothing was written)"));
    this.messageName = messageName;
    this.pid = pid;
    this.timeout = timeout;
    this.closedChannel = closedChannel;
  }

  /** The name of the message that got no reply. */
  public String messageName() {
    return messageName;
  }

  /** The worker's pid. */
  public int pid() {
    return pid;
  }

  /** The call's timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** Whether the request was written and the channel closed (the server is broken from then on). */
  public boolean closedChannel() {
    return closedChannel;
  }
}
