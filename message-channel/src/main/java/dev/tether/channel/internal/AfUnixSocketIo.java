package dev.tether.channel.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.ConnectionResetSocketException;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * {@link SocketIo} over junixsocket: reads and writes with recvmsg/sendmsg, so fds pass with the
 * bytes. Does not own the fd: junixsocket's cast channel shuts it down but never closes it.
 */
public final class AfUnixSocketIo implements SocketIo {
  private static final FileDescriptor[] NO_FDS = {};

  private final FileDescriptor fd;
  private final AFUNIXSocketChannel socket;
  private FileInputStream availability; // FIONREAD on the same fd; never closed (owns nothing)

  /**
   * Wraps {@code fd}, a connected AF_UNIX stream socket, in blocking mode, with room for
   * {@code maxFdsPerRead} received fds per read.
   */
  public AfUnixSocketIo(FileDescriptor fd, int maxFdsPerRead) throws IOException {
    this.fd = fd;
    this.socket = FileDescriptorCast.using(fd).as(AFUNIXSocketChannel.class);
    socket.configureBlocking(true);
    socket.setAncillaryReceiveBufferSize(16 + 4 * maxFdsPerRead); // cmsghdr + the ints
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    try {
      return socket.read(dst);
    } catch (ConnectionResetSocketException e) {
      return -1;
    }
  }

  @Override
  public FileDescriptor[] takeReceivedFds() throws IOException {
    FileDescriptor[] received = socket.getReceivedFileDescriptors();
    return received == null ? NO_FDS : received;
  }

  @Override
  public void write(ByteBuffer src, FileDescriptor[] fds) throws IOException {
    if (fds.length > 0) {
      socket.setOutboundFileDescriptors(fds);
    }
    while (src.hasRemaining()) {
      socket.write(src);
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
  public void shutdown() throws IOException {
    socket.close(); // a cast channel: shutdown(SHUT_RDWR), the fd stays open
  }
}
