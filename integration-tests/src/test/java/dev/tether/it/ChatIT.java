package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.examples.chat.Chat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Chat example as its own JVM, with three JDK clients talking through its Channel. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChatIT {
  @Test
  void eachLineReachesEveryOtherMemberAndJoinsAndLeavesAreAnnounced() throws Exception {
    try (ExampleProcess server = ExampleProcess.start(Chat.class, "0")) {
      String listening = server.stdout().awaitLine(
          l -> l.startsWith("chat listening on 127.0.0.1:"), Workers.JVM_START);
      int port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
      try (Socket a = new Socket("127.0.0.1", port)) {
        BufferedReader aIn = reader(a);
        try (Socket b = new Socket("127.0.0.1", port)) {
          BufferedReader bIn = reader(b);
          String bId = Integer.toString(b.getLocalPort());
          assertEquals(bId + ": joined", aIn.readLine()); // a hears b join
          String cId;
          try (Socket c = new Socket("127.0.0.1", port)) {
            BufferedReader cIn = reader(c);
            cId = Integer.toString(c.getLocalPort());
            assertEquals(cId + ": joined", aIn.readLine());
            assertEquals(cId + ": joined", bIn.readLine());
            send(a, "hello from a\n");
            String aId = Integer.toString(a.getLocalPort());
            assertEquals(aId + ": hello from a", bIn.readLine());
            assertEquals(aId + ": hello from a", cIn.readLine());
            send(c, "f\u00fcnf\r\n");
            assertEquals(cId + ": f\u00fcnf", aIn.readLine());
            assertEquals(cId + ": f\u00fcnf", bIn.readLine());
          }
          assertEquals(cId + ": left", aIn.readLine());
          assertEquals(cId + ": left", bIn.readLine());
        }
      }
      assertEquals(143, server.terminate(Workers.JVM_START));
    }
  }

  private static BufferedReader reader(Socket s) throws Exception {
    s.setSoTimeout(30_000);
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static void send(Socket s, String text) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
