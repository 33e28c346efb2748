package dev.tether.supervisor.internal;

import dev.tether.supervisor.StatusSocketException;
import dev.tether.unix.NativeCallException;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.Processes;
import dev.tether.unix.internal.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The file side of a status socket: a directory private to this user (created 0700, or an
 * existing one that is ours with no group or other access), a stale socket file of a server that
 * died removed, the socket bound there with mode 0600. Stateless; thread-safe as far as the file
 * system is (two servers racing for one path: one of them fails to bind).
 */
public final class StatusSocketFile {
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFSOCK = 0140000;
  private static final int BACKLOG = 16;

  private StatusSocketFile() {}

  /**
   * Listens on {@code socket} after making its directory safe (see the class documentation); the
   * fd (non-blocking, close-on-exec) belongs to the caller.
   *
   * @return whether the directory was created here, and the listening fd
   * @throws StatusSocketException if the directory is not ours or not private, if the socket's
   *     path is taken by something else than a socket, or if a server answers on it
   * @throws NativeCallException if the socket cannot be bound
   * @throws UncheckedIOException if the directory cannot be created or read
   */
  public static Listening listen(Path socket) {
    Path dir = socket.toAbsolutePath().getParent();
    int uid = Processes.effectiveUid();
    boolean created = createPrivate(dir);
    int fd = -1;
    try {
      checkPrivate(dir, uid);
      removeStale(socket);
      fd = new Sockets().listenUnix(socket, BACKLOG);
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return new Listening(fd, created, uid);
    } catch (IOException | RuntimeException e) {
      if (fd >= 0) {
        Io.close(fd);
        remove(socket, created);
      } else if (created) {
        deleteQuietly(dir);
      }
      throw e instanceof RuntimeException r ? r
          : new StatusSocketException("status socket " + socket + " : chmod 0600 failed", e);
    }
  }

  /**
   * Removes the socket file, and its directory if {@code directoryToo} and it is empty. Errors are
   * ignored: a directory someone filled stays, a stale socket file is replaced by the next start.
   */
  public static void remove(Path socket, boolean directoryToo) {
    deleteQuietly(socket);
    if (directoryToo) {
      deleteQuietly(socket.toAbsolutePath().getParent());
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // see remove(): nothing to be done
    }
  }

  private static boolean createPrivate(Path dir) {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false; // checked next, whoever made it
    } catch (IOException e) {
      throw new UncheckedIOException("status socket directory " + dir + " : cannot create", e);
    }
  }

  private static void checkPrivate(Path dir, int uid) {
    int mode;
    int owner;
    try {
      mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("status socket directory " + dir + " : cannot read", e);
    }
    if ((mode & S_IFMT) != S_IFDIR || owner != uid || (mode & 077) != 0) {
      throw new StatusSocketException(String.format("status socket directory %s : %s mode %04o"
          + " owned by uid %d (expected: a directory owned by uid %d with no group or other"
          + " access, e.g. mode 0700)", dir, (mode & S_IFMT) == S_IFDIR ? "directory"
          : "not a directory (or a symbolic link),", mode & 07777, owner, uid));
    }
  }

  /** A socket file nobody answers on is a dead server's: it goes. Anything else stays. */
  private static void removeStale(Path socket) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("status socket " + socket + " : cannot read", e);
    }
    if ((mode & S_IFMT) != S_IFSOCK) {
      throw new StatusSocketException(String.format("status socket %s : exists, mode %06o"
          + " (expected: no file, or a socket)", socket, mode));
    }
    try {
      Io.close(new Sockets().connectUnixBlocking(socket));
    } catch (NativeCallException e) {
      if (e.errno() == Linux.ECONNREFUSED) {
        remove(socket, false);
        return;
      }
      throw e;
    }
    throw new StatusSocketException("status socket " + socket
        + " : a server answers on it already (expected: none; stop it first)");
  }

  /**
   * A listening status socket.
   *
   * @param fd the listening fd, the caller's
   * @param createdDirectory whether {@link #listen} created the directory
   * @param uid the effective uid the directory was checked against: the peers to let in
   */
  public record Listening(int fd, boolean createdDirectory, int uid) {}
}
