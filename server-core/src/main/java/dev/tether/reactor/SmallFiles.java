package dev.tether.reactor;

import dev.tether.unix.internal.Errors;
import dev.tether.unix.internal.Io;
import dev.tether.unix.internal.Linux;
import dev.tether.unix.internal.RegularFiles;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a small file whole for {@link Connection#sendFileData}. Reactor thread only. */
final class SmallFiles {
  private SmallFiles() {}

  /**
   * The whole of {@code path}, at most {@code limit} bytes, read through the loop's file buffer
   * (a blocking read of a local file, as EventMachine's send_file_data). The file's fd is opened
   * and closed here.
   */
  static byte[] read(Path path, int limit, LoopIo io) {
    int fd = RegularFiles.openReadOnly(path);
    try {
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException("path : " + path + " (expected: a regular file)");
      }
      long size = RegularFiles.size(fd, path);
      if (size > limit) {
        throw new IllegalArgumentException("file " + path + " : " + size + " bytes (expected: <= "
            + limit + " bytes; use streamFileData for larger files)");
      }
      RegularFiles.seek(fd, 0, path);
      byte[] whole = new byte[(int) size];
      ByteBuffer buffer = io.fileBuffer();
      int filled = 0;
      while (filled < whole.length) {
        int want = Math.min(buffer.capacity(), whole.length - filled);
        long n = Io.read(fd, io.fileAddress(), want);
        if (n == -Linux.EINTR) {
          continue;
        }
        if (n < 0) {
          throw Errors.failure("read", path, (int) -n);
        }
        if (n == 0) {
          break; // shrank since lseek: send what there is
        }
        buffer.clear().limit((int) n);
        buffer.get(whole, filled, (int) n);
        filled += (int) n;
      }
      return filled == whole.length ? whole : java.util.Arrays.copyOf(whole, filled);
    } finally {
      Io.close(fd);
    }
  }
}
