package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;
import java.util.function.IntConsumer;

/**
 * {@code recvmsg}/{@code sendmsg} with SCM_RIGHTS over an AF_UNIX stream socket, on raw addresses:
 * the receive path of the supervisor channel (fd 3), which gets TCP fds together with frames.
 * Received fds are close-on-exec ({@code MSG_CMSG_CLOEXEC}) and belong to the caller from the
 * moment {@code fdSink} gets them. Not thread-safe (reused msghdr): one instance per socket or per
 * reactor. Layouts are those of 64-bit Linux (msghdr 56 bytes, cmsghdr 16).
 */
public final class ScmRights {
  private static final int MSGHDR_SIZE = 56;
  private static final int CMSG_HEADER = 16;

  private final int maxFds;
  private final int controlSize;
  private final ByteBuffer area;
  private final long msghdr;
  private final long iov;
  private final long control;
  private boolean truncated;

  /** Room for {@code maxFds} fds per message (the kernel allows up to 253). */
  public ScmRights(int maxFds) {
    if (maxFds <= 0 || maxFds > Linux.SCM_MAX_FD) {
      throw new IllegalArgumentException(
          "maxFds : " + maxFds + " (expected: 1.." + Linux.SCM_MAX_FD + ")");
    }
    this.maxFds = maxFds;
    this.controlSize = CMSG_HEADER + align(4 * maxFds);
    this.area = Memory.allocate(MSGHDR_SIZE + 16 + controlSize);
    this.msghdr = Memory.address(area);
    this.iov = msghdr + MSGHDR_SIZE;
    this.control = iov + 16;
  }

  private static int align(int n) {
    return (n + 7) & ~7;
  }

  /**
   * Reads up to {@code length} bytes into {@code address}; each fd that came with them is passed
   * to {@code fdSink}. Returns the byte count, 0 at end of stream, -1 if it would block.
   *
   * @throws dev.tether.unix.NativeCallException on a read error
   */
  public long receive(int fd, long address, int length, IntConsumer fdSink) {
    prepare(address, length, controlSize);
    long n = Libc.sockets().recvmsg(fd, msghdr, Linux.MSG_CMSG_CLOEXEC);
    if (n < 0) {
      int errno = Libc.errno();
      if (errno == Linux.EAGAIN || errno == Linux.EINTR) {
        return -1;
      }
      throw Errors.failure("recvmsg", fd, errno);
    }
    long controlLength = area.getLong(40);
    int offset = 0;
    while (offset + CMSG_HEADER <= controlLength) {
      int base = MSGHDR_SIZE + 16 + offset;
      long cmsgLength = area.getLong(base);
      if (cmsgLength < CMSG_HEADER) {
        break;
      }
      if (area.getInt(base + 8) == Linux.SOL_SOCKET
          && area.getInt(base + 12) == Linux.SCM_RIGHTS) {
        int count = (int) ((cmsgLength - CMSG_HEADER) / 4);
        for (int i = 0; i < count; i++) {
          fdSink.accept(area.getInt(base + CMSG_HEADER + 4 * i));
        }
      }
      offset += align((int) cmsgLength);
    }
    truncated = (area.getInt(48) & Linux.MSG_CTRUNC) != 0;
    return n;
  }

  /**
   * Whether the last {@link #receive} lost fds: more than {@code maxFds} came with the bytes, and
   * the kernel closed the rest.
   */
  public boolean truncated() {
    return truncated;
  }

  /**
   * Writes up to {@code length} bytes from {@code address} with {@code fds} attached to the first
   * byte. Returns the byte count or -1 if it would block (then nothing, fds included, was sent).
   * The caller keeps its fds.
   */
  public long send(int fd, long address, int length, int[] fds) {
    if (fds.length > maxFds) {
      throw new IllegalArgumentException("fds : " + fds.length + " (expected: <= " + maxFds + ")");
    }
    int used = fds.length == 0 ? 0 : CMSG_HEADER + align(4 * fds.length);
    prepare(address, length, used);
    if (fds.length > 0) {
      int base = MSGHDR_SIZE + 16;
      area.putLong(base, CMSG_HEADER + 4L * fds.length);
      area.putInt(base + 8, Linux.SOL_SOCKET);
      area.putInt(base + 12, Linux.SCM_RIGHTS);
      for (int i = 0; i < fds.length; i++) {
        area.putInt(base + CMSG_HEADER + 4 * i, fds[i]);
      }
    }
    long n = Libc.sockets().sendmsg(fd, msghdr, Linux.MSG_NOSIGNAL);
    if (n < 0) {
      int errno = Libc.errno();
      if (errno == Linux.EAGAIN || errno == Linux.EINTR) {
        return -1;
      }
      throw Errors.failure("sendmsg", fd, errno);
    }
    return n;
  }

  private void prepare(long address, int length, int controlLength) {
    area.putLong(0, 0L); // msg_name
    area.putInt(8, 0); // msg_namelen
    area.putLong(16, iov); // msg_iov
    area.putLong(24, 1L); // msg_iovlen
    area.putLong(32, controlLength == 0 ? 0L : control);
    area.putLong(40, controlLength);
    area.putInt(48, 0); // msg_flags
    area.putLong(MSGHDR_SIZE, address); // iov_base
    area.putLong(MSGHDR_SIZE + 8, length); // iov_len
    for (int i = 0; i < controlSize; i += 8) {
      area.putLong(MSGHDR_SIZE + 16 + i, 0L);
    }
  }
}
