package dev.tether.unix.jnr;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.Out;

/**
 * Processes: posix_spawn and its attributes, signals, waiting, the C environment, the clocks,
 * resource limits and usage, and the process's user and groups.
 * The posix_spawn family returns the error number itself and leaves errno alone
 * ({@code @IgnoreError}); structs are direct memory.
 */
public interface ProcessCalls {
  /** {@code geteuid(2)}: always succeeds. */
  @IgnoreError
  int geteuid();

  int kill(int pid, int sig);

  int waitpid(int pid, @Out int[] status, int options);

  int waitid(int idtype, int id, long infop, int options);

  @IgnoreError
  int sigemptyset(long set);

  @IgnoreError
  int sigfillset(long set);

  @IgnoreError
  int posix_spawn_file_actions_init(long fileActions);

  @IgnoreError
  int posix_spawn_file_actions_destroy(long fileActions);

  @IgnoreError
  int posix_spawn_file_actions_adddup2(long fileActions, int fd, int newFd);

  @IgnoreError
  int posix_spawn_file_actions_addclosefrom_np(long fileActions, int from);

  @IgnoreError
  int posix_spawn_file_actions_addchdir_np(long fileActions, String path);

  @IgnoreError
  int posix_spawnattr_init(long attr);

  @IgnoreError
  int posix_spawnattr_destroy(long attr);

  @IgnoreError
  int posix_spawnattr_setflags(long attr, short flags);

  @IgnoreError
  int posix_spawnattr_setsigmask(long attr, long sigmask);

  @IgnoreError
  int posix_spawnattr_setsigdefault(long attr, long sigdefault);

  @IgnoreError
  int posix_spawnattr_setpgroup(long attr, int pgroup);

  /** {@code getenv(3)}: the C environment, which {@link #unsetenv} changes (System.getenv not). */
  @IgnoreError
  String getenv(String name);

  int unsetenv(String name);

  int clock_gettime(int clockId, long timespec);

  /**
   * {@code syscall(2)} for calls glibc wraps only from 2.36 on (pidfd_open, pidfd_send_signal):
   * unused trailing arguments are ignored by the kernel.
   */
  long syscall(long number, long arg1, long arg2, long arg3, long arg4);

  @IgnoreError
  int posix_spawnp(@Out int[] pid, String file, long fileActions, long attr, long argv, long envp);

  /** {@code getuid(2)}: always succeeds. */
  @IgnoreError
  int getuid();

  /** {@code getgid(2)}: always succeeds. */
  @IgnoreError
  int getgid();

  /** {@code getrlimit(2)}; {@code rlimit} is a {@code struct rlimit} (two u64) in direct memory. */
  int getrlimit(int resource, long rlimit);

  int setrlimit(int resource, long rlimit);

  /** {@code getrusage(2)}; {@code rusage} is a {@code struct rusage} (144 bytes). */
  int getrusage(int who, long rusage);

  /** {@code getpwnam_r(3)}: returns the error number itself (0 and a null result: no user). */
  @IgnoreError
  int getpwnam_r(String name, long passwd, long buf, long buflen, long result);

  int initgroups(String user, int group);

  int setgid(int gid);

  int setuid(int uid);
}
