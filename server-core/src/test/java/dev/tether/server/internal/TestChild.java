package dev.tether.server.internal;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

/**
 * A real worker-like child for the spawn tests, run as {@code java ... TestChild <mode> [arg]}.
 *
 * <ul>
 *   <li>{@code echo}: reads one line from fd 3, answers {@code "echo:" + line} on fd 3, then
 *       waits for end of file on fd 3 and exits 0.
 *   <li>{@code exit N}: exits with status N at once.
 *   <li>{@code sleep}: prints {@code ready} and sleeps until killed.
 *   <li>{@code print}: prints {@code out-1}, {@code out-2} on stdout, {@code err-1} on stderr, a
 *       last stdout line without newline, exits 0.
 *   <li>{@code first-byte}: prints {@code x} and exits (start-up timing).
 * </ul>
 *
 * <p>fd 3 is opened without junixsocket (whose first use costs ~400 ms): a {@link FileDescriptor}
 * with its private {@code fd} field set, which needs {@code --add-opens
 * java.base/java.io=ALL-UNNAMED}. Opening {@code /proc/self/fd/3} fails with ENXIO for a socket.
 */
public final class TestChild {
  private TestChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "echo" -> echo();
      case "exit" -> System.exit(Integer.parseInt(args[1]));
      case "sleep" -> readyThenSleep();
      case "print" -> {
        System.out.println("out-1");
        System.err.println("err-1");
        System.out.println("out-2");
        System.out.print("no-newline");
        System.out.flush();
      }
      case "first-byte" -> {
        System.out.println("x");
        System.out.flush();
      }
      default -> throw new IllegalArgumentException("mode : " + args[0]);
    }
  }

  private static void readyThenSleep() throws InterruptedException {
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void echo() throws IOException, ReflectiveOperationException {
    FileDescriptor fd3 = fd(3);
    try (FileInputStream in = new FileInputStream(fd3);
        FileOutputStream out = new FileOutputStream(fd3)) {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        line.append((char) b);
      }
      out.write(("echo:" + line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (in.read() != -1) {
        // Drain until the supervisor closes its end.
      }
    }
  }

  static FileDescriptor fd(int number) throws ReflectiveOperationException {
    FileDescriptor fd = new FileDescriptor();
    Field f = FileDescriptor.class.getDeclaredField("fd");
    f.setAccessible(true);
    f.setInt(fd, number);
    return fd;
  }
}
