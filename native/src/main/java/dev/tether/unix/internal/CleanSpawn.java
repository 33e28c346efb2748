package dev.tether.unix.internal;

import dev.tether.unix.NativeCallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one way Tether starts a program, for worker JVMs and the reactor's {@code popen} and
 * {@code system} alike: glibc's {@code posix_spawnp}, never a shell, argv[0] looked up in PATH.
 *
 * <p>What the child gets: the fds {@code childFds} names, at 0..n-1, and no other: every fd from n
 * up is closed in the child before exec ({@code addclosefrom_np(n)}), whatever its close-on-exec
 * flag. Its signal mask is empty and every signal has its default disposition (a JVM parent
 * blocks SIGQUIT in its threads; a nohup'ed parent ignores SIGHUP). The one exception is glibc's:
 * its two internal signals (32 and 33, which no program may use) start out ignored, and
 * glibc-based programs install their own handlers for them at start-up.
 *
 * <p>Owns no fd: the fds moved into the child stay the caller's, who closes its copies. Stateless
 * and thread-safe.
 */
public final class CleanSpawn {
  /** In {@code childFds}: the child inherits this process's fd of that number as it is. */
  public static final int INHERIT = -1;

  private CleanSpawn() {}

  /**
   * Spawns {@code argv} with exactly {@code environment} ("NAME=value" strings), in {@code
   * directory} (null: this process's). {@code childFds[i]} is the fd of this process that becomes
   * the child's fd {@code i}, or {@link #INHERIT}. The moves run in ascending order of i, so a
   * source fd numbered below n must not be the target of an earlier move (fresh fds never are:
   * 0-2 are taken). Returns the pid; the caller reaps it.
   *
   * @throws IllegalArgumentException if argv is empty or childFds has fewer than 3 entries
   * @throws NativeCallException if no process started; {@link NativeCallException#function()} is
   *     {@code "posix_spawnp"} when the exec itself failed (ENOENT: no such executable or working
   *     directory, see {@link #hint})
   */
  public static int spawn(List<String> argv, List<String> environment, Path directory,
      int[] childFds, boolean newProcessGroup) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv : [] (expected: at least the program)");
    }
    if (childFds.length < 3) {
      throw new IllegalArgumentException("childFds.length : " + childFds.length
          + " (expected: >= 3, for stdin, stdout and stderr)");
    }
    PosixSpawn spawn = new PosixSpawn();
    for (int i = 0; i < childFds.length; i++) {
      if (childFds[i] != INHERIT) {
        // glibc clears FD_CLOEXEC when fd == newfd, so an fd that already is i survives too.
        spawn.dup2(childFds[i], i);
      }
    }
    if (directory != null) {
      spawn.directory(directory);
    }
    spawn.closeFrom(childFds.length).resetSignals();
    if (newProcessGroup) {
      spawn.newProcessGroup();
    }
    return spawn.spawn(argv, environment);
  }

  /**
   * What {@code e}, a failure of {@link #spawn}, means when errno alone is ambiguous:
   * posix_spawnp reports a missing working directory and a missing executable alike. Returns
   * e.g. " (executable nosuch not found)", or "" when errno says it all.
   */
  public static String hint(List<String> argv, Path directory, NativeCallException e) {
    if (directory != null && !Files.isDirectory(directory)) {
      return " (working directory " + directory + " is not a directory)";
    }
    if (e.errno() == Linux.ENOENT && "posix_spawnp".equals(e.function())) {
      return " (executable " + argv.get(0) + " not found)";
    }
    return "";
  }
}
