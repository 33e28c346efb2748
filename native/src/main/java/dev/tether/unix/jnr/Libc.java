package dev.tether.unix.jnr;

import java.nio.Buffer;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.mapper.FunctionMapper;

/**
 * Loads each part of the binding the first time it is asked for (a worker that never spawns never
 * binds {@link ProcessCalls}), and reads errno and direct buffer addresses. Thread-safe: the parts
 * are immutable once loaded, errno is saved per thread. When a part first loads on anything but
 * Linux, it throws {@link UnsupportedOperationException}.
 */
public final class Libc {
  private static final Map<String, String> ALIASES = Map.of(
      "readQuiet", "read", "writeQuiet", "write", "readArray", "read", "writeArray", "write");

  private Libc() {}

  private static <T> T load(Class<T> part) {
    String os = System.getProperty("os.name", "");
    if (!os.startsWith("Linux")) {
      throw new UnsupportedOperationException("Tether's native layer needs Linux: os.name " + os);
    }
    FunctionMapper mapper = (name, context) -> ALIASES.getOrDefault(name, name);
    return LibraryLoader.create(part)
        .option(LibraryOption.FunctionMapper, mapper)
        .failImmediately()
        .load("c");
  }

  private static final class Files {
    static final FileCalls CALLS = load(FileCalls.class);
  }

  private static final class Sockets {
    static final SocketCalls CALLS = load(SocketCalls.class);
  }

  private static final class Epoll {
    static final EpollCalls CALLS = load(EpollCalls.class);
  }

  private static final class Processes {
    static final ProcessCalls CALLS = load(ProcessCalls.class);
  }

  public static FileCalls files() {
    return Files.CALLS;
  }

  public static SocketCalls sockets() {
    return Sockets.CALLS;
  }

  public static EpollCalls epoll() {
    return Epoll.CALLS;
  }

  public static ProcessCalls processes() {
    return Processes.CALLS;
  }

  /** errno saved by the last errno-saving call on this thread. */
  public static int errno() {
    return jnr.ffi.Runtime.getSystemRuntime().getLastError();
  }

  /** The address of a direct buffer's first byte (not its position). */
  public static long address(Buffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("buffer : heap buffer (expected: a direct buffer)");
    }
    return com.kenai.jffi.MemoryIO.getInstance().getDirectBufferAddress(direct);
  }
}
