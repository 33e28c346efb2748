package dev.tether.benchmarks.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: the Passenger message frame written and read the way straightforward Java code
 * does it (String.getBytes, DataOutputStream over a ByteArrayOutputStream, a byte[] per body, a
 * String per element). Checks less than Tether's codec (no NUL or length checks), so a ratio near
 * 1 means Tether's checks are free.
 */
final class NaiveCodec {
  private NaiveCodec() {}

  static void encode(List<String> elements, ByteBuffer dst) {
    byte[][] parts = new byte[elements.size()][];
    int body = 0;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = elements.get(i).getBytes(StandardCharsets.UTF_8);
      body += parts[i].length + 1;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(2 + body);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(body);
      for (byte[] p : parts) {
        out.write(p);
        out.write(0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    dst.put(bytes.toByteArray());
  }

  static List<String> decode(ByteBuffer src) {
    int length = Short.toUnsignedInt(src.getShort());
    byte[] body = new byte[length];
    src.get(body);
    List<String> elements = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < length; i++) {
      if (body[i] == 0) {
        elements.add(new String(body, from, i - from, StandardCharsets.UTF_8));
        from = i + 1;
      }
    }
    return elements;
  }
}
