package dev.tether.benchmarks.codec;

import dev.tether.channel.codec.MessageDecoder;
import dev.tether.channel.codec.MessageEncoder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode of one message frame, Tether's codec against {@link NaiveCodec}. Buffers are
 * heap buffers reused across operations, as a channel reuses its own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

  /** small: ["hello", "Joe", "Dalton"]; 1k: a ~1 KB request-like message; utf8: small, accented. */
  @Param({"small", "1k"})
  public String message;

  private List<String> elements;
  private ByteBuffer out;
  private ByteBuffer frame;

  @Setup
  public void setUp() {
    elements = elements(message);
    out = ByteBuffer.allocate(70_000);
    frame = ByteBuffer.allocate(MessageEncoder.messageSize(elements));
    MessageEncoder.encodeMessage(elements, frame);
    frame.flip();
    if (!NaiveCodec.decode(frame.duplicate()).equals(elements)
        || !MessageDecoder.decodeMessage(frame.duplicate()).equals(elements)) {
      throw new IllegalStateException("codecs disagree on " + message);
    }
  }

  static List<String> elements(String kind) {
    switch (kind) {
      case "small":
        return List.of("hello", "Joe", "Dalton");
      case "utf8":
        return List.of("héllo", "Jöe", "Dältön");
      case "1k": {
        List<String> e = new ArrayList<>();
        e.add("request");
        for (int i = 0; e.stream().mapToInt(s -> s.length() + 1).sum() < 1000; i++) {
          e.add("HTTP_HEADER_" + i);
          e.add("value-" + i + "-" + "abcdefghijklmnopqrstuvwxyz0123456789".substring(i % 10));
        }
        return List.copyOf(e);
      }
      default:
        throw new IllegalArgumentException("message : " + kind + " (expected: small, 1k or utf8)");
    }
  }

  @Benchmark
  public ByteBuffer encodeTether() {
    out.clear();
    MessageEncoder.encodeMessage(elements, out);
    return out;
  }

  @Benchmark
  public ByteBuffer encodeBaseline() {
    out.clear();
    NaiveCodec.encode(elements, out);
    return out;
  }

  @Benchmark
  public List<String> decodeTether() {
    frame.rewind();
    return MessageDecoder.decodeMessage(frame);
  }

  @Benchmark
  public List<String> decodeBaseline() {
    frame.rewind();
    return NaiveCodec.decode(frame);
  }
}
