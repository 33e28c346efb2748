package dev.tether.reactor;

import dev.tether.reactor.internal.ChunkPool;
import dev.tether.reactor.internal.FdSender;
import dev.tether.unix.internal.Memory;
import dev.tether.unix.internal.Sockets;
import java.nio.ByteBuffer;

/**
 * The I/O memory one run of a reactor reuses for every connection, so that steady-state reads
 * and writes allocate nothing: the read buffer lent to {@code receiveData}, the pool of outgoing
 * chunks, the fd sender with its msghdr, and the socket helper with its sockaddr scratch space.
 * Reactor thread only.
 */
final class LoopIo {
  static final int READ_BUFFER_SIZE = 64 * 1024;
  private static final int RETAINED_CHUNKS = 64;

  final Sockets sockets = new Sockets();
  final ChunkPool chunks = new ChunkPool(RETAINED_CHUNKS);
  final FdSender fdSender = new FdSender();
  final ByteBuffer readBuffer = Memory.allocate(READ_BUFFER_SIZE);
  final long readAddress = Memory.address(readBuffer);
  private TlsBuffers tls;

  /** The buffers TLS connections share, made when the first one starts. */
  TlsBuffers tls() {
    if (tls == null) {
      tls = new TlsBuffers();
    }
    return tls;
  }

  private ByteBuffer pullBuffer;

  /** Scratch space for {@link Connection#read(int)}, made on first use; copied out at once. */
  ByteBuffer pullBuffer() {
    if (pullBuffer == null) {
      pullBuffer = Memory.allocate(READ_BUFFER_SIZE);
    }
    return pullBuffer;
  }

  private ByteBuffer fileBuffer;
  private long fileAddress;

  /** A buffer for reading files (made on first use): reused, valid until the next file read. */
  ByteBuffer fileBuffer() {
    if (fileBuffer == null) {
      fileBuffer = Memory.allocate(FileStreamFallback.CHUNK);
      fileAddress = Memory.address(fileBuffer);
    }
    return fileBuffer;
  }

  /** The address of {@link #fileBuffer()}'s first byte. */
  long fileAddress() {
    fileBuffer();
    return fileAddress;
  }

  /** The raw address of {@code data}'s first byte (fast for the read buffer, echoed often). */
  long address(ByteBuffer data) {
    return data == readBuffer ? readAddress : Memory.address(data);
  }
}
