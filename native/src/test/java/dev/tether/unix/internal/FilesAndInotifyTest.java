package dev.tether.unix.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.unix.NativeCallException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegularFiles (open, lseek, sendfile) and Inotify against the real kernel. */
class FilesAndInotifyTest {
  @TempDir
  Path dir;

  @Test
  void aFileOpensCloseOnExecAndSendfileCopiesFromItsPosition() throws Exception {
    Path file = Files.writeString(dir.resolve("ünïcode name"), "0123456789");
    int fd = RegularFiles.openReadOnly(file);
    int[] pipe = Io.pipe(true);
    try {
      assertTrue(Io.isCloexec(fd));
      assertEquals(10, RegularFiles.size(fd, file));
      RegularFiles.seek(fd, 3, file);
      assertEquals(4, RegularFiles.sendfile(pipe[1], fd, 4));
      assertEquals(3, RegularFiles.sendfile(pipe[1], fd, 100)); // to the end
      assertEquals(0, RegularFiles.sendfile(pipe[1], fd, 100)); // at the end
      byte[] got = new byte[16];
      int n = Io.read(pipe[0], got);
      assertArrayEquals("3456789".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(got, n));
      assertEquals(-Linux.EBADF, RegularFiles.sendfile(1_000_000, fd, 1));
    } finally {
      Io.close(fd);
      Io.close(pipe[0]);
      Io.close(pipe[1]);
    }
  }

  @Test
  void aMissingFileFailsNamingIt() {
    Path missing = dir.resolve("missing");
    NativeCallException e = assertThrows(NativeCallException.class,
        () -> RegularFiles.openReadOnly(missing));
    assertEquals("open(" + missing + ") failed with error(2): No such file or directory",
        e.getMessage());
  }

  @Test
  void inotifyWatchesShareADescriptorPerFileAndARemovedWatchIsGone() throws Exception {
    Path file = Files.writeString(dir.resolve("watched"), "");
    int fd = Inotify.open();
    try {
      assertTrue(Io.isCloexec(fd));
      int wd = Inotify.addWatch(fd, file, Linux.IN_MODIFY);
      assertEquals(wd, Inotify.addWatch(fd, dir.resolve(".").resolve("watched"),
          Linux.IN_MODIFY), "one descriptor per inode");
      assertEquals(0, Inotify.removeWatch(fd, wd));
      assertEquals(-Linux.EINVAL, Inotify.removeWatch(fd, wd));
      ByteBuffer event = Memory.allocate(64);
      assertEquals(Linux.INOTIFY_EVENT_SIZE, Io.read(fd, Memory.address(event), 64));
      assertEquals(wd, event.getInt(0));
      assertEquals(Linux.IN_IGNORED, event.getInt(4), "the removal's own event");
      assertEquals(-Linux.EAGAIN, Io.read(fd, Memory.address(event), 64), "non-blocking");
      NativeCallException e = assertThrows(NativeCallException.class,
          () -> Inotify.addWatch(fd, dir.resolve("missing"), Linux.IN_MODIFY));
      assertEquals(Linux.ENOENT, e.errno());
      assertEquals("inotify_add_watch", e.function());
    } finally {
      Io.close(fd);
    }
  }
}
