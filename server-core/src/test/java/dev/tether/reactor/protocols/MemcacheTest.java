package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.reactor.ReactorException;
import dev.tether.reactor.ReactorRunner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Memcache client against Debian's memcached, started per test on a free port. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcacheTest {
  private PeerProcess memcached;
  private ReactorRunner runner;
  private Memcache cache;

  @BeforeEach
  void setUp() throws Exception {
    memcached = PeerProcess.memcached();
    runner = new ReactorRunner();
    cache = runner.call(() -> Memcache.connect(runner.reactor, "127.0.0.1", memcached.port));
  }

  @AfterEach
  void tearDown() {
    runner.close();
    memcached.close();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void setGetDeleteAndMultiGet() throws Exception {
    assertTrue(await(runner.call(() -> cache.set("a", utf8("one"), 0).toCompletableFuture())));
    assertTrue(await(runner.call(() -> cache.set("b", new byte[0], 60).toCompletableFuture())));
    assertArrayEquals(utf8("one"), await(runner.call(() -> cache.get("a").toCompletableFuture())));
    assertNull(await(runner.call(() -> cache.get("missing").toCompletableFuture())));
    Map<String, byte[]> both = await(runner.call(() -> cache.get("b", "missing", "a")
        .toCompletableFuture()));
    assertEquals(List.of("b", "a"), new ArrayList<>(both.keySet()));
    assertEquals(0, both.get("b").length);
    assertTrue(await(runner.call(() -> cache.delete("a").toCompletableFuture())));
    assertFalse(await(runner.call(() -> cache.delete("a").toCompletableFuture())));
    assertNull(await(runner.call(() -> cache.get("a").toCompletableFuture())));
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    byte[] binary = new byte[100_000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 31); // CR and LF bytes inside the value included
    }
    List<CompletableFuture<?>> futures = runner.call(() -> {
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        all.add(cache.set("k" + i, utf8("value " + i), 0).toCompletableFuture());
        all.add(cache.get("k" + i).toCompletableFuture());
      }
      all.add(cache.set("binary", binary, 0).toCompletableFuture());
      all.add(cache.get("binary").toCompletableFuture());
      return all;
    });
    for (int i = 0; i < 200; i++) {
      assertEquals(Boolean.TRUE, await(futures.get(2 * i)));
      assertArrayEquals(utf8("value " + i), (byte[]) await(futures.get(2 * i + 1)));
    }
    assertArrayEquals(binary, (byte[]) await(futures.get(futures.size() - 1)));
    assertEquals(0, (int) runner.call(cache::pendingRequests));
  }

  @Test
  void badKeysAndValuesAreRefusedBeforeSending() {
    IllegalArgumentException space = assertThrows(IllegalArgumentException.class,
        () -> runner.call(() -> cache.get("a b")));
    assertEquals("key : \"a b\" (expected: no spaces or control characters)", space.getMessage());
    IllegalArgumentException longKey = assertThrows(IllegalArgumentException.class,
        () -> runner.call(() -> cache.delete("k".repeat(251))));
    assertTrue(longKey.getMessage().endsWith("is 251 bytes (expected: 1..250)"));
    assertThrows(IllegalArgumentException.class, () -> runner.call(() -> cache.get("a\nb")));
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> runner.call(() -> cache.set("big", new byte[1024 * 1024 + 1], 0)));
    assertEquals("value for big : 1048577 bytes (expected: <= 1048576)", big.getMessage());
    assertThrows(ReactorException.class, () -> cache.get("a"));
  }

  @Test
  void aValuePastTheLimitFailsEveryPendingRequestAndClosesTheConnection() throws Exception {
    assertTrue(await(runner.call(() -> cache.set("big", new byte[5000], 0)
        .toCompletableFuture())));
    List<CompletableFuture<?>> futures = runner.call(() -> {
      cache.setMaxValueBytes(4096);
      return List.of(cache.get("big").toCompletableFuture(),
          cache.delete("big").toCompletableFuture());
    });
    for (CompletableFuture<?> future : futures) {
      MemcacheException e = assertThrows(MemcacheException.class, () -> await(future));
      assertEquals("value of big : 5000 bytes (expected: <= 4096)", e.getMessage());
    }
    ReactorRunner.waitFor("connection closed", () -> !runner.call(cache::isOpen));
    MemcacheException closed = assertThrows(MemcacheException.class,
        () -> await(runner.call(() -> cache.get("x").toCompletableFuture())));
    assertEquals("connection closed", closed.getMessage());
  }

  @Test
  void aDeadServerFailsTheOutstandingRequests() throws Exception {
    assertTrue(await(runner.call(() -> cache.set("a", utf8("x"), 0).toCompletableFuture())));
    memcached.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    ReactorRunner.waitFor("connection closed", () -> !runner.call(cache::isOpen));
    assertThrows(MemcacheException.class,
        () -> await(runner.call(() -> cache.get("a").toCompletableFuture())));
  }
}
