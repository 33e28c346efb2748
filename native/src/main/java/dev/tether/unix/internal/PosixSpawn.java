package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import dev.tether.unix.jnr.ProcessCalls;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One glibc {@code posix_spawnp} call, described step by step: fd moves ({@link #dup2}), a working
 * directory, closing every fd from some number up, signals reset, a new process group. Not
 * thread-safe; use one instance per spawn. It owns no fd: the fds it moves stay the caller's.
 *
 * <p>Why not jnr-posix's spawn: it loses errno, has no sigmask/sigdefault or closefrom, and its
 * attribute struct is smaller than glibc's (heap corruption). Structs here are allocated with room
 * to spare (x86-64 sizes: file actions 80 bytes, attr 336, sigset_t 128).
 */
public final class PosixSpawn {
  private static final int STRUCT_BYTES = 1024;

  private final List<int[]> dups = new ArrayList<>(3);
  private Path directory;
  private int closeFrom = -1;
  private boolean resetSignals;
  private boolean newProcessGroup;

  /** In the child, fd {@code to} becomes a copy of {@code from} (steps run in the order given). */
  public PosixSpawn dup2(int from, int to) {
    dups.add(new int[] {from, to});
    return this;
  }

  /** The child starts in {@code directory}. */
  public PosixSpawn directory(Path directory) {
    this.directory = directory;
    return this;
  }

  /** Every fd from {@code fd} up is closed in the child, close-on-exec or not. */
  public PosixSpawn closeFrom(int fd) {
    this.closeFrom = fd;
    return this;
  }

  /** The child starts with an empty signal mask and every signal at its default disposition. */
  public PosixSpawn resetSignals() {
    this.resetSignals = true;
    return this;
  }

  /** The child leads a new process group. */
  public PosixSpawn newProcessGroup() {
    this.newProcessGroup = true;
    return this;
  }

  /**
   * Spawns {@code argv} (argv[0] looked up on PATH) with exactly {@code environment}
   * ("NAME=value" strings). Returns its pid; the caller reaps it.
   *
   * @throws dev.tether.unix.NativeCallException if no process started; {@link
   *     dev.tether.unix.NativeCallException#function()} is {@code "posix_spawnp"} when the exec
   *     itself failed (ENOENT: no such executable or working directory)
   */
  public int spawn(List<String> argv, List<String> environment) {
    ProcessCalls c = Libc.processes();
    ByteBuffer argvBlock = stringArray(argv);
    ByteBuffer envBlock = stringArray(environment);
    ByteBuffer structs = Memory.allocate(4 * STRUCT_BYTES);
    long fileActions = Memory.address(structs);
    long attr = fileActions + STRUCT_BYTES;
    long emptySet = attr + STRUCT_BYTES;
    long fullSet = emptySet + STRUCT_BYTES;

    check("posix_spawn_file_actions_init", c.posix_spawn_file_actions_init(fileActions));
    try {
      check("posix_spawnattr_init", c.posix_spawnattr_init(attr));
      try {
        for (int[] d : dups) {
          check("posix_spawn_file_actions_adddup2",
              c.posix_spawn_file_actions_adddup2(fileActions, d[0], d[1]));
        }
        if (directory != null) {
          check("posix_spawn_file_actions_addchdir_np",
              c.posix_spawn_file_actions_addchdir_np(fileActions, directory.toString()));
        }
        if (closeFrom >= 0) {
          check("posix_spawn_file_actions_addclosefrom_np",
              c.posix_spawn_file_actions_addclosefrom_np(fileActions, closeFrom));
        }
        short flags = 0;
        if (resetSignals) {
          check("sigemptyset", c.sigemptyset(emptySet));
          check("sigfillset", c.sigfillset(fullSet));
          check("posix_spawnattr_setsigmask", c.posix_spawnattr_setsigmask(attr, emptySet));
          check("posix_spawnattr_setsigdefault", c.posix_spawnattr_setsigdefault(attr, fullSet));
          flags |= Linux.POSIX_SPAWN_SETSIGMASK | Linux.POSIX_SPAWN_SETSIGDEF;
        }
        if (newProcessGroup) {
          check("posix_spawnattr_setpgroup", c.posix_spawnattr_setpgroup(attr, 0));
          flags |= Linux.POSIX_SPAWN_SETPGROUP;
        }
        check("posix_spawnattr_setflags", c.posix_spawnattr_setflags(attr, flags));
        int[] pid = new int[1];
        int rc = c.posix_spawnp(pid, argv.get(0), fileActions, attr,
            Memory.address(argvBlock), Memory.address(envBlock));
        if (rc != 0) {
          throw Errors.failure("posix_spawnp", argv.get(0), rc);
        }
        return pid[0];
      } finally {
        c.posix_spawnattr_destroy(attr);
      }
    } finally {
      c.posix_spawn_file_actions_destroy(fileActions);
      // The native blocks must outlive the calls above; they are freed once unreachable.
      java.lang.ref.Reference.reachabilityFence(argvBlock);
      java.lang.ref.Reference.reachabilityFence(envBlock);
      java.lang.ref.Reference.reachabilityFence(structs);
    }
  }

  /** For calls that return the error number itself rather than setting errno. */
  private static void check(String function, int rc) {
    if (rc != 0) {
      throw Errors.failure(function, "..", rc);
    }
  }

  /** A NULL-terminated {@code char*[]} and its NUL-terminated UTF-8 strings in one block. */
  private static ByteBuffer stringArray(List<String> strings) {
    int pointerBytes = (strings.size() + 1) * Long.BYTES;
    List<byte[]> encoded = new ArrayList<>(strings.size());
    int total = pointerBytes;
    for (String s : strings) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      encoded.add(b);
      total += b.length + 1;
    }
    ByteBuffer block = Memory.allocate(total);
    long base = Memory.address(block);
    int offset = pointerBytes;
    for (int i = 0; i < encoded.size(); i++) {
      byte[] b = encoded.get(i);
      block.put(offset, b);
      block.putLong(i * Long.BYTES, base + offset);
      offset += b.length + 1;
    }
    return block;
  }
}
