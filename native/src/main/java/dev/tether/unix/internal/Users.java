package dev.tether.unix.internal;

import dev.tether.unix.jnr.Libc;
import java.nio.ByteBuffer;

/**
 * Looking up users and becoming one. Process-wide; thread-safe (glibc applies setuid, setgid and
 * setgroups to every thread of the process).
 */
public final class Users {
  /** A user's ids from the password database. */
  public record Account(String name, int uid, int gid) {}

  // struct passwd on 64-bit Linux: name, passwd (pointers), uid, gid (u32), gecos, dir, shell.
  private static final int PASSWD_BYTES = 48;
  private static final int UID_OFFSET = 16;
  private static final int GID_OFFSET = 20;
  private static final int MAX_BUFFER = 1 << 20;

  private Users() {}

  /**
   * The account of {@code name} ({@code getpwnam_r}), or null if there is no such user.
   *
   * @throws dev.tether.unix.NativeCallException if the lookup itself fails
   */
  public static Account lookup(String name) {
    ByteBuffer passwd = Memory.allocate(PASSWD_BYTES + 8);
    long passwdAddress = Memory.address(passwd);
    long resultAddress = passwdAddress + PASSWD_BYTES;
    for (int size = 1024; ; size *= 2) {
      ByteBuffer strings = Memory.allocate(size);
      int error = Libc.processes().getpwnam_r(name, passwdAddress, Memory.address(strings),
          size, resultAddress);
      if (error == Linux.ERANGE && size < MAX_BUFFER) {
        continue;
      }
      if (error != 0) {
        throw Errors.failure("getpwnam_r", name, error);
      }
      if (passwd.getLong(PASSWD_BYTES) == 0) {
        return null;
      }
      return new Account(name, passwd.getInt(UID_OFFSET), passwd.getInt(GID_OFFSET));
    }
  }

  /**
   * Makes the whole process run as {@code account}: {@code initgroups} (the user's supplementary
   * groups from the group database), {@code setgid}, then {@code setuid}, in that order because
   * each of the first two needs the privilege the last one gives up. Checks afterwards that the
   * real and effective uid and gid are the account's.
   *
   * @throws dev.tether.unix.NativeCallException naming the call, the user and errno (EPERM when
   *     not privileged); the process may then have changed groups but still has its uid
   */
  public static void become(Account account) {
    if (Libc.processes().initgroups(account.name(), account.gid()) != 0) {
      throw Errors.failure("initgroups", account.name() + ", " + account.gid());
    }
    if (Libc.processes().setgid(account.gid()) != 0) {
      throw Errors.failure("setgid", account.name() + ", " + account.gid());
    }
    if (Libc.processes().setuid(account.uid()) != 0) {
      throw Errors.failure("setuid", account.name() + ", " + account.uid());
    }
    int uid = Libc.processes().getuid();
    int euid = Libc.processes().geteuid();
    int gid = Libc.processes().getgid();
    if (uid != account.uid() || euid != account.uid() || gid != account.gid()) {
      throw new IllegalStateException("after setuid(" + account.uid() + ") and setgid("
          + account.gid() + ") for " + account.name() + ": uid " + uid + ", euid " + euid
          + ", gid " + gid + " (expected: uid and euid " + account.uid() + ", gid "
          + account.gid() + ")");
    }
  }
}
