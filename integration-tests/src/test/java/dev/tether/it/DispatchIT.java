package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import dev.tether.channel.MessageChannel;
import dev.tether.reactor.ExitStatus;
import dev.tether.server.ErrorReplyException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Message dispatch in one real worker JVM (shared by the tests, which each leave it idle): error
 * replies, the typed and annotated handler forms, deferred replies, order, signals.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DispatchIT {
  private static final Workers.Output OUTPUT = new Workers.Output();
  private static SignalServer server;
  private static MessageChannel channel;

  @BeforeAll
  static void start() {
    server = Workers.quick(new SignalServer(), OUTPUT);
    server.start();
    channel = server.server();
  }

  @AfterAll
  static void stop() {
    assertEquals(new ExitStatus.Exited(0), server.stop());
  }

  @Test
  void unknownMessageGetsAnErrorReplyAndTheWorkerGoesOn() {
    channel.write("no_such_message", "a", "b");
    assertEquals(List.of("error", "unknown message", "no_such_message"), channel.read());
    ErrorReplyException e = assertThrows(ErrorReplyException.class, () -> server.call("nope"));
    assertEquals(List.of("error", "unknown message", "nope"), e.reply());
    assertEquals("pong", server.call("ping").get(0));
  }

  /** The longest names (65534 bytes) are cut in the reply, which could not be sent before. */
  @Test
  void unknownMessageWithTheLongestNameGetsAnErrorReplyThatFits() {
    String name = "u".repeat(65_534);
    ErrorReplyException e = assertThrows(ErrorReplyException.class,
        () -> server.call(Duration.ofSeconds(60), name));
    String echoed = e.reply().get(2);
    assertEquals(List.of("error", "unknown message"), e.reply().subList(0, 2));
    assertTrue(echoed.endsWith("...(65534 bytes)") && name.startsWith(echoed.substring(0, 100)),
        echoed.substring(echoed.length() - 30));
    assertEquals("pong", server.call("ping").get(0));
  }

  @Test
  void throwingHandlerGetsAnErrorReplyAndTheWorkerGoesOn() {
    channel.write("fail");
    assertEquals(List.of("error", "handler failed", "fail",
        "java.lang.IllegalStateException: boom"),
        channel.read());
    assertEquals("pong", server.call("ping").get(0));
  }

  @Test
  void messagesAreHandledOneAtATimeInOrder() {
    for (int i = 0; i < 50; i++) {
      channel.write("greet", "n" + i, "x");
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(List.of("greetings", "n" + i + " x"), channel.read());
    }
  }

  @Test
  void annotatedHandlers() {
    assertEquals(List.of("greetings", "Joe Dalton"), server.call("greet", "Joe", "Dalton"));
    assertEquals(List.of("count", "3"), server.call("count", "a", "b", "c"));
    assertEquals(List.of("count", "0"), server.call("count"));
    ErrorReplyException e = assertThrows(ErrorReplyException.class,
        () -> server.call("greet", "Joe"));
    assertTrue(e.reply().get(3).contains("expected: 2"), e.reply().toString());
  }

  @Test
  void protoHandlerReadsTheScalarAfterTheName() {
    channel.write("proto_echo");
    channel.writeProto(StringValue.of("payload ü"));
    assertEquals(List.of("proto", "payload ü"), channel.read());
  }

  @Test
  void deferredWorkRepliesLaterWhileTheReactorGoesOn() {
    channel.write("slow");
    channel.write("release"); // handled while the deferred operation is still waiting for it
    assertEquals(List.of("released"), channel.read());
    List<String> done = channel.read();
    assertEquals("slow_done", done.get(0));
    assertTrue(done.get(1).contains("-defer-"), "ran on a defer thread: " + done);
  }

  @Test
  void signalHandlersRunAndReply() {
    assertEquals("pong", server.call("ping").get(0));
    server.sendSignal("USR1");
    assertEquals(List.of("signal", "USR1"), channel.read());
    server.sendSignal("SIGUSR2"); // allowed because start() moved HotSpot off USR2
    assertEquals(List.of("signal", "USR2"), channel.read());
    server.sendSignal("HUP"); // ignored by a worker without a HUP handler
    assertEquals("pong", server.call("ping").get(0));
    assertTrue(Workers.running(server.serverPid()));
  }
}
