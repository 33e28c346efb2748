package dev.tether.reactor.internal;

import dev.tether.reactor.NativeCallException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.mapper.FunctionMapper;

/**
 * Loads {@link LibC} once and holds the Linux constants and helpers around it (errno, error
 * messages, direct buffer addresses). Thread-safe: everything here is immutable or a pure function.
 */
public final class Native {
  public static final int EAGAIN = 11;
  public static final int EINTR = 4;
  public static final int EINPROGRESS = 115;
  public static final int EBADF = 9;

  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int O_NONBLOCK = 0x800;
  public static final int F_GETFD = 1;
  public static final int F_SETFD = 2;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int FD_CLOEXEC = 1;
  public static final int SOL_SOCKET = 1;
  public static final int SO_REUSEADDR = 2;
  public static final int SO_ERROR = 4;
  public static final int SO_TYPE = 3;
  public static final int SCM_RIGHTS = 1;
  public static final int IPPROTO_TCP = 6;
  public static final int TCP_NODELAY = 1;
  public static final int SHUT_WR = 1;
  public static final int MSG_CMSG_CLOEXEC = 0x40000000;
  public static final int MSG_NOSIGNAL = 0x4000;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int EFD_CLOEXEC = 0x80000;

  /** The bound library. */
  public static final LibC LIBC;

  private static final jnr.ffi.Runtime RUNTIME;

  static {
    String os = System.getProperty("os.name", "");
    if (!os.startsWith("Linux")) {
      throw new UnsupportedOperationException("the reactor needs Linux (epoll, eventfd): " + os);
    }
    Map<String, String> aliases = Map.of("readQuiet", "read", "writeQuiet", "write");
    FunctionMapper mapper = (name, context) -> aliases.getOrDefault(name, name);
    LIBC = LibraryLoader.create(LibC.class)
        .option(LibraryOption.FunctionMapper, mapper)
        .failImmediately()
        .load("c");
    RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
  }

  private Native() {}

  /** Loads the binding: calling it initializes this class, and throws what that throws. */
  public static void load() {}

  /** errno saved by the last errno-saving call on this thread. */
  public static int errno() {
    return RUNTIME.getLastError();
  }

  /** The address of a direct buffer's first byte (not its position). */
  public static long address(Buffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("buffer : heap buffer (expected: a direct buffer)");
    }
    return com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(direct);
  }

  /** A new zeroed direct buffer in native byte order. */
  public static ByteBuffer allocate(int size) {
    return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
  }

  /** "Connection refused" for 111: the C library's text for an errno. */
  public static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || e == Errno.__UNKNOWN_CONSTANT__ ? "unknown error" : e.description();
  }

  /** The exception for a failed call, with errno read now: call only right after the failure. */
  public static NativeCallException failure(String call) {
    return failure(call, errno());
  }

  public static NativeCallException failure(String call, int errno) {
    return new NativeCallException(call, errno, describe(errno));
  }

  /** Closes an fd, logging nothing: a close error on Linux still releases the number. */
  public static int closeQuietly(int fd) {
    return fd < 0 ? 0 : LIBC.close(fd);
  }
}
