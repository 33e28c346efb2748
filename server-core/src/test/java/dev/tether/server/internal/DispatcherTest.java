package dev.tether.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Empty;
import dev.tether.channel.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dispatch by name, with names that come as fresh strings and names that share a hash. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DispatcherTest {
  @Test
  void namesWithTheSameHashAndFreshInstancesReachTheirOwnHandlers() {
    assertEquals("Aa".hashCode(), "BB".hashCode(), "the test needs two names of one hash");
    List<String> seen = new ArrayList<>();
    Dispatcher dispatcher = new Dispatcher("test");
    dispatcher.define("Aa", args -> seen.add("Aa" + args));
    dispatcher.define("BB", args -> seen.add("BB" + args));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (String name : List.of("Aa", "BB")) {
        // A decoder hands out one instance per name (its cache) or a new one each time.
        for (String instance : List.of(name, new String(name))) {
          ReceivedMessage m = new ReceivedMessage(List.of(instance, "x" + i), List.of());
          assertFalse(dispatcher.takesPayload(m));
          dispatcher.dispatch(m, null, null);
          expected.add(name + "[x" + i + "]");
        }
      }
    }
    assertEquals(expected, seen);
  }

  @Test
  void dispatchUnlessPayloadLeavesAProtoMessageToTheCaller() {
    List<String> seen = new ArrayList<>();
    Dispatcher dispatcher = new Dispatcher("test");
    dispatcher.define("plain", args -> seen.add("plain" + args));
    dispatcher.defineProto("proto", Empty.parser(), m -> seen.add("proto"));
    assertFalse(dispatcher.dispatchUnlessPayload(List.of("proto", "a"), List.of(), null));
    assertTrue(dispatcher.dispatchUnlessPayload(List.of("plain", "b"), List.of(), null));
    ReceivedMessage proto = new ReceivedMessage(List.of("proto"), List.of());
    assertTrue(dispatcher.takesPayload(proto));
    dispatcher.dispatch(proto, Empty.getDefaultInstance().toByteArray(), null);
    assertEquals(List.of("plain[b]", "proto"), seen);
  }

  @Test
  void aNameDefinedAfterDispatchStartedIsFound() {
    List<String> seen = new ArrayList<>();
    Dispatcher dispatcher = new Dispatcher("test");
    dispatcher.define("a", args -> seen.add("a"));
    String late = new String("late");
    dispatcher.dispatch(new ReceivedMessage(List.of("a"), List.of()), null, null);
    dispatcher.define("late", args -> seen.add("late"));
    dispatcher.dispatch(new ReceivedMessage(List.of(late), List.of()), null, null);
    dispatcher.dispatch(new ReceivedMessage(List.of(late), List.of()), null, null);
    assertEquals(List.of("a", "late", "late"), seen);
  }
}
