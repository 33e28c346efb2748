package dev.tether.channel.internal;

import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.ScmRights;
import dev.tether.unix.internal.Sockets;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@link SocketIo} through the native layer: blocking recvmsg/sendmsg with SCM_RIGHTS, so fds pass
 * with the bytes, up to the kernel's {@value Linux#SCM_MAX_FD} per message, received close-on-exec
 * (MSG_CMSG_CLOEXEC). Bytes pass through a direct buffer of its own per direction, so that a read
 * and a write may run at once (one reader, one writer, as the channel allows). Does not own the
 * fd: {@link #shutdown()} shuts it down, the channel closes it.
 */
public final class NativeSocketIo implements SocketIo {
  private static final int CHUNK = 64 * 1024;
  private static final FileDescriptor[] NO_FDS = {};
  private static final int[] NO_NUMBERS = {};

  private final FileDescriptor fd;
  private final int number;
  private final ScmRights reads = new ScmRights(Linux.SCM_MAX_FD);
  private final ScmRights writes = new ScmRights(Linux.SCM_MAX_FD);
  private final ByteBuffer readArea = Memory.allocate(CHUNK);
  private final long readAddress = Memory.address(readArea);
  private final ByteBuffer writeArea = Memory.allocate(CHUNK);
  private final long writeAddress = Memory.address(writeArea);
  private int[] received = new int[8];
  private int receivedCount;
  private FileInputStream availability; // FIONREAD on the same fd; never closed (owns nothing)

  /** Reads and writes {@code fd}, socket number {@code number}, which must be blocking. */
  public NativeSocketIo(FileDescriptor fd, int number) {
    this.fd = fd;
    this.number = number;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int length = Math.min(dst.remaining(), CHUNK);
    long n;
    try {
      do {
        n = reads.receive(number, readAddress, length, this::keep);
      } while (n < 0); // EINTR (a blocking socket never says EAGAIN)
    } catch (NativeCallException e) {
      if (e.errno() == Linux.ECONNRESET) {
        return -1; // the peer vanished with unread data: end of stream, as for Passenger
      }
      throw new IOException(e.getMessage(), e);
    }
    if (reads.truncated()) {
      throw new IOException("recvmsg(" + number + ") lost fds: more than " + Linux.SCM_MAX_FD
          + " came with one message and the kernel closed the rest");
    }
    if (n == 0) {
      return -1;
    }
    readArea.clear().limit((int) n);
    dst.put(readArea);
    return (int) n;
  }

  private void keep(int received) {
    if (receivedCount == this.received.length) {
      this.received = Arrays.copyOf(this.received, receivedCount * 2);
    }
    this.received[receivedCount++] = received;
  }

  @Override
  public FileDescriptor[] takeReceivedFds() {
    if (receivedCount == 0) {
      return NO_FDS;
    }
    FileDescriptor[] fds = new FileDescriptor[receivedCount];
    for (int i = 0; i < receivedCount; i++) {
      fds[i] = Fds.wrap(received[i]);
    }
    receivedCount = 0;
    return fds;
  }

  @Override
  public void write(ByteBuffer src, FileDescriptor[] fds) throws IOException {
    int[] numbers = fds.length == 0 ? NO_NUMBERS : new int[fds.length];
    for (int i = 0; i < fds.length; i++) {
      numbers[i] = Fds.number(fds[i]);
    }
    try {
      while (src.hasRemaining()) {
        int length = Math.min(src.remaining(), CHUNK);
        writeArea.put(0, src, src.position(), length);
        long n = writes.send(number, writeAddress, length, numbers);
        if (n > 0) {
          src.position(src.position() + (int) n);
          numbers = NO_NUMBERS; // the fds rode on the first byte sent
        }
      }
    } catch (NativeCallException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public int available() throws IOException {
    if (availability == null) {
      availability = new FileInputStream(fd);
    }
    return availability.available();
  }

  @Override
  public boolean passesFds() {
    return true;
  }

  @Override
  public void shutdown() {
    Sockets.shutdownBoth(number);
  }
}
