package dev.tether.server.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few glibc functions Tether needs, bound through jnr-ffi. Use {@link Posix}, which checks
 * every result and throws {@link NativeCallException}; this interface is public only because
 * jnr-ffi generates its implementation in another class loader.
 *
 * <p>Functions that return -1 and set errno save it ({@link SaveError}); the posix_spawn family
 * returns the error number itself and leaves errno alone ({@link IgnoreError}).
 */
public interface LibC {
  @SaveError
  int pipe2(@Out int[] fds, int flags);

  @SaveError
  int close(int fd);

  @SaveError
  long read(int fd, @Out byte[] buf, long count);

  @SaveError
  long write(int fd, @In byte[] buf, long count);

  @SaveError
  int kill(int pid, int sig);

  @SaveError
  int waitpid(int pid, @Out int[] status, int options);

  @SaveError
  int waitid(int idtype, int id, Pointer infop, int options);

  @IgnoreError
  String strerror(int errnum);

  @IgnoreError
  int sigemptyset(Pointer set);

  @IgnoreError
  int sigfillset(Pointer set);

  @IgnoreError
  int posix_spawn_file_actions_init(Pointer fileActions);

  @IgnoreError
  int posix_spawn_file_actions_destroy(Pointer fileActions);

  @IgnoreError
  int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

  @IgnoreError
  int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

  @IgnoreError
  int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

  @IgnoreError
  int posix_spawnattr_init(Pointer attr);

  @IgnoreError
  int posix_spawnattr_destroy(Pointer attr);

  @IgnoreError
  int posix_spawnattr_setflags(Pointer attr, short flags);

  @IgnoreError
  int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

  @IgnoreError
  int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

  @IgnoreError
  int posix_spawnattr_setpgroup(Pointer attr, int pgroup);

  @IgnoreError
  int posix_spawnp(
      @Out int[] pid, String file, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);
}
