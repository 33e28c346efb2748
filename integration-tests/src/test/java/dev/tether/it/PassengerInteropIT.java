package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.channel.MessageChannel;
import dev.tether.channel.OddHashException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Tether's channel against Phusion Passenger's own Ruby {@code MessageChannel} (Debian's
 * {@code passenger} package, which {@code scripts/test} installs when missing): same bytes both
 * ways, scalars, hashes, and fd passing with and without negotiation. Fails, never skips, when
 * Ruby or Passenger is missing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PassengerInteropIT {
  private static Path dir;
  private static Process ruby;
  private static MessageChannel channel;

  @BeforeAll
  static void startRubyPeer() throws Exception {
    Path script = Path.of(PassengerInteropIT.class.getResource("/passenger_peer.rb").toURI());
    dir = Files.createTempDirectory("tether-interop");
    Path socket = dir.resolve("peer.sock");
    ruby = new ProcessBuilder("ruby", script.toString(), socket.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(ruby.getInputStream(), StandardCharsets.UTF_8));
    String line = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (IOException e) {
        return "error: " + e;
      }
    }).get(30, TimeUnit.SECONDS);
    assertEquals("ready", line, "the Ruby peer (ruby + Debian's passenger) must start");
    channel = MessageChannel.connect(socket);
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (ruby != null) {
      if (!ruby.waitFor(10, TimeUnit.SECONDS)) {
        ruby.destroyForcibly().waitFor();
      }
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  @Test
  @Order(1)
  void messagesRoundTrip() {
    channel.write("echo", "Joe", "", "Dalton");
    assertEquals(List.of("echo", "Joe", "", "Dalton"), channel.read());
    String big = "x".repeat(65_535 - "echo".length() - 2);
    channel.write("echo", big);
    assertEquals(List.of("echo", big), channel.read());
  }

  @Test
  @Order(2)
  void utf8FromJavaAndBinaryFromRuby() {
    channel.write("echo", "caf\u00e9 \u20ac");
    assertEquals(List.of("echo", "caf\u00e9 \u20ac"), channel.read());
    channel.write("binary");
    List<byte[]> raw = channel.readBytes();
    assertArrayEquals("binary".getBytes(StandardCharsets.US_ASCII), raw.get(0));
    assertArrayEquals(new byte[] {(byte) 0xff, 1}, raw.get(1));
    assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), raw.get(2));
    assertArrayEquals(new byte[0], raw.get(3));
  }

  @Test
  @Order(3)
  void hashes() {
    Map<String, String> hash = new LinkedHashMap<>();
    hash.put("pid", "42");
    hash.put("empty", "");
    channel.write("hash");
    channel.writeHash(hash);
    Map<String, String> expected = new LinkedHashMap<>(hash);
    expected.put("ruby", "yes");
    assertEquals(expected, channel.readHash());
    channel.write("odd_hash");
    assertThrows(OddHashException.class, channel::readHash);
  }

  @Test
  @Order(4)
  void scalars() {
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    channel.write("scalar");
    channel.writeScalar(data);
    byte[] back = channel.readScalar();
    for (int i = 0; i < data.length; i++) {
      assertEquals(data[data.length - 1 - i], back[i]);
    }
    channel.write("scalar_max", "10", "11");
    channel.writeScalar(new byte[11]);
    List<String> reply = channel.read();
    assertEquals("security_error", reply.get(0));
    assertTrue(reply.get(1).contains("(11)") && reply.get(1).contains("(10)"), reply.get(1));
  }

  @Test
  @Order(5)
  void rubySendsAnFdWithNegotiation() throws IOException {
    channel.write("send_io");
    FileDescriptor fd = channel.recvFd();
    try (var out = new java.io.FileOutputStream(fd)) {
      out.write("into ruby's pipe".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(List.of("pipe_got", "into ruby's pipe"), channel.read());
  }

  @Test
  @Order(6)
  void rubyReceivesAnFdWithAndWithoutNegotiation() throws Exception {
    for (boolean negotiate : new boolean[] {true, false}) {
      Path file = dir.resolve("from-ruby-" + negotiate);
      Files.createFile(file);
      try (var out = new java.io.FileOutputStream(file.toFile())) {
        channel.write("recv_io", Boolean.toString(negotiate));
        channel.sendFd(out.getFD(), negotiate);
        assertEquals(List.of("wrote"), channel.read());
      }
      try (var in = new FileInputStream(file.toFile())) {
        assertEquals("from ruby", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  @Order(7)
  void rubyClosingReadsAsEndOfStream() throws Exception {
    channel.write("quit");
    assertNull(channel.read());
    assertTrue(ruby.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, ruby.exitValue());
  }
}
