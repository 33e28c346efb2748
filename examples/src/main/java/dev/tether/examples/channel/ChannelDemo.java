package dev.tether.examples.channel;

import dev.tether.channel.MessageChannel;
import dev.tether.channel.ReceivedMessage;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tour of the message channel between two threads of one process: Passenger-format messages,
 * a hash, a scalar, and a file passed both the Passenger way and riding on a message.
 */
public final class ChannelDemo {
  private static final Logger log = LoggerFactory.getLogger(ChannelDemo.class);

  private ChannelDemo() {}

  public static void main(String[] args) throws Exception {
    Path file = Files.createTempFile("tether-demo", ".txt");
    try (MessageChannel.Pair pair = MessageChannel.pair()) {
      Thread worker = new Thread(() -> serve(pair.second()), "demo-worker");
      worker.start();
      MessageChannel supervisor = pair.first();

      supervisor.write("hello", "Joe", "Dalton");
      log.info("supervisor got {}", supervisor.read());

      supervisor.writeHash(Map.of("threads", "4"));
      log.info("supervisor got {}", supervisor.read());

      try (FileOutputStream out = new FileOutputStream(file.toFile())) {
        supervisor.write("log_to");
        supervisor.sendFd(out.getFD());
        log.info("supervisor got {}", supervisor.read());
        supervisor.writeWithFds(List.of("log_again"), out.getFD());
        log.info("supervisor got {}", supervisor.read());
      }
      log.info("the file now holds: {}", Files.readString(file).strip());

      supervisor.write("quit");
      worker.join();
    } finally {
      Files.delete(file);
    }
  }

  private static void serve(MessageChannel channel) {
    for (ReceivedMessage next; (next = channel.readWithFds()) != null; ) {
      try (ReceivedMessage message = next) {
        List<String> m = message.elements();
        switch (message.name()) {
          case "hello" -> channel.write(List.of(
              "Hello " + m.get(1) + " " + m.get(2) + ", how are you?", "1234"));
          case "threads" -> channel.write("ok", "threads=" + m.get(1));
          case "log_to" -> {
            try (FileOutputStream out = new FileOutputStream(channel.recvFd())) {
              append(out, "written through an fd passed the Passenger way");
            }
            channel.write("logged");
          }
          case "log_again" -> {
            append(new FileOutputStream(message.fds().get(0)),
                "written through an fd on a message");
            channel.write("logged again");
          }
          case "quit" -> {
            return;
          }
          default -> channel.write("error", "unknown message " + message.name());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void append(FileOutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
