package dev.tether.reactor.internal;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.ScmRights;
import java.nio.ByteBuffer;

/**
 * Sends one 0x00 byte carrying fds (SCM_RIGHTS) on a non-blocking AF_UNIX stream socket, as the
 * reactor's connections pass fds. One per reactor run: its msghdr scratch space is shared, so it
 * is not thread-safe.
 */
public final class FdSender {
  /** {@link #send}: the byte and the fds went. */
  public static final int SENT = 1;
  /** {@link #send}: the socket would block; nothing went. */
  public static final int BLOCKED = 0;

  private final ScmRights scm = new ScmRights(Linux.SCM_MAX_FD);
  private final ByteBuffer zero = Memory.allocate(1);
  private final long zeroAddress = Memory.address(zero);

  /**
   * One {@code sendmsg} of the byte with {@code fds} (1 to {@link Linux#SCM_MAX_FD}, which stay
   * the caller's) on {@code socket}. A one-byte payload goes whole or not at all. Returns {@link
   * #SENT}, {@link #BLOCKED} (EAGAIN or EINTR: retry when writable) or {@code -errno}.
   */
  public int send(int socket, int[] fds) {
    try {
      return scm.send(socket, zeroAddress, 1, fds) > 0 ? SENT : BLOCKED;
    } catch (NativeCallException e) {
      return -e.errno();
    }
  }
}
