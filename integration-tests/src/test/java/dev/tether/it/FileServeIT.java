package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.examples.files.FileServe;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The FileServe example as its own JVM: two clients each get the whole file, byte for byte. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileServeIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void everyClientGetsTheWholeFileAndTheServerReportsEachTransfer() throws Exception {
    byte[] content = new byte[8 * 1024 * 1024 + 17];
    new Random(42).nextBytes(content);
    Path file = Files.write(dir.resolve("payload.bin"), content);
    try (ExampleProcess serve = ExampleProcess.start(FileServe.class, "0", file.toString())) {
      String started = serve.stderr().awaitLine(
          line -> line.startsWith("fileserve: serving " + file + " on 127.0.0.1:"),
          Workers.JVM_START);
      int port = Integer.parseInt(started.substring(started.lastIndexOf(':') + 1));
      for (int i = 0; i < 2; i++) {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
            InputStream in = client.getInputStream()) {
          assertArrayEquals(content, in.readAllBytes());
        }
      }
      String sent = "sent " + content.length + " bytes";
      Workers.await(() -> serve.stdout().lines().equals(List.of(sent, sent)), DEADLINE,
          () -> "two transfers reported (has " + serve.stdout() + ")");
    }
  }

  @Test
  void aMissingFileExitsTwoNamingIt() throws Exception {
    Path missing = dir.resolve("missing.bin");
    try (ExampleProcess serve = ExampleProcess.start(FileServe.class, "0", missing.toString())) {
      assertEquals(2, serve.awaitExit(DEADLINE));
      assertTrue(serve.stderr().lines().contains("fileserve: file : " + missing
          + " (expected: a regular file)"), "the reason on stderr (has " + serve.stderr() + ")");
    }
  }
}
