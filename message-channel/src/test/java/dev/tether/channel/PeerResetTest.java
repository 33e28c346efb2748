package dev.tether.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tether.channel.internal.Fds;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that closes with unread data in its receive buffer resets the connection (the reader's
 * next read(2) fails with ECONNRESET): the reader reads what came before, then end of stream, as
 * Passenger's does (WIRE.md "End of stream"). Recognised by type or state, never by the text of
 * an error, which the C library translates: the same probe runs in a JVM with German messages.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerResetTest {
  private static final String AFTER_RESET = "[last] null null";

  @Test
  void theResetItselfIsRealAndReadsFailWithEconnreset() {
    int[] sv = Fds.socketPair();
    try {
      TestNatives.writeFully(sv[1], new byte[] {0, 1, 0}); // the peer never reads it
      TestNatives.LIB.close(sv[0]);
      sv[0] = -1;
      byte[] buf = new byte[8];
      assertEquals(-1, TestNatives.LIB.read(sv[1], buf, buf.length));
      assertEquals(104 /* ECONNRESET */, jnr.ffi.Runtime.getSystemRuntime().getLastError());
    } finally {
      if (sv[0] >= 0) {
        TestNatives.LIB.close(sv[0]);
      }
      TestNatives.LIB.close(sv[1]);
    }
  }

  @Test
  void aResetReadsAsEndOfStreamOnJunixsocket() {
    assertEquals(AFTER_RESET, readAfterReset(false));
  }

  @Test
  void aResetReadsAsEndOfStreamOnPlainStreams() {
    assertEquals(AFTER_RESET, readAfterReset(true));
  }

  @Test
  void aResetReadsAsEndOfStreamWhateverTheLanguageOfErrors() throws Exception {
    ProcessBuilder probe = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Probe.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT); // its failures show in the test log
    probe.environment().put("LC_ALL", "C.UTF-8");
    probe.environment().put("LANGUAGE", "de"); // strerror(ECONNRESET): "Die Verbindung ..."
    Process process = probe.start();
    try (InputStream out = process.getInputStream()) {
      String[] printed = new String(out.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the probe JVM did not exit");
      assertEquals(0, process.exitValue());
      assumeFalse(printed[0].contains("No such file"),
          "the C library has no German messages here: " + printed[0]);
      assertEquals(List.of("junixsocket: " + AFTER_RESET, "plain streams: " + AFTER_RESET),
          List.of(printed).subList(1, printed.length));
    } finally {
      process.destroyForcibly();
    }
  }

  /**
   * What three reads return from a channel whose peer wrote message ["last"] and closed with the
   * channel's message ["unread"] unread, or the exception the first failing one threw.
   */
  static String readAfterReset(boolean plainStreams) {
    int[] sv = Fds.socketPair();
    MessageChannel channel = plainStreams
        ? MessageChannel.fromInheritedFd(sv[1]) : MessageChannel.fromFd(sv[1]);
    try (channel) {
      try {
        TestNatives.writeFully(sv[0], new byte[] {0, 5, 'l', 'a', 's', 't', 0});
        channel.write("unread");
      } finally {
        TestNatives.LIB.close(sv[0]); // with data in its receive buffer: the kernel resets
      }
      StringBuilder reads = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        List<String> message = channel.read();
        reads.append(i == 0 ? "" : " ").append(message);
      }
      return reads.toString();
    } catch (ChannelException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** {@link #readAfterReset} on both kinds of socket, in a JVM of its own. */
  static final class Probe {
    public static void main(String[] args) {
      try (FileInputStream missing = new FileInputStream("/nonexistent")) {
        System.out.println("opened /nonexistent");
      } catch (IOException e) {
        System.out.println(e.getMessage()); // in the language of the C library's messages
      }
      System.out.println("junixsocket: " + readAfterReset(false));
      System.out.println("plain streams: " + readAfterReset(true));
    }
  }
}
