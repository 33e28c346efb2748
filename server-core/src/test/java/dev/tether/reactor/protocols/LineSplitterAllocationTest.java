package dev.tether.reactor.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The splitter allocates per line (its String), never per byte: fed one byte at a time, 10,000
 * lines of 99 bytes cost about what their Strings weigh.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LineSplitterAllocationTest {
  private static final int LINES = 10_000;
  private static final int LINE_LENGTH = 99;

  @Test
  void oneByteAtATimeAllocatesOnlyTheLines() throws Exception {
    // com.sun.management is not readable from the module at compile time: reflect.
    Object threads = ManagementFactory.getThreadMXBean();
    java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
        .getMethod("getThreadAllocatedBytes", long.class);
    long self = Thread.currentThread().getId();
    ByteBuffer input = ByteBuffer.allocateDirect(LINES * (LINE_LENGTH + 2));
    for (int i = 0; i < LINES; i++) {
      for (int j = 0; j < LINE_LENGTH; j++) {
        input.put((byte) ('a' + (i + j) % 26));
      }
      input.put((byte) '\r').put((byte) '\n');
    }
    LineSplitter splitter = new LineSplitter(LINE_LENGTH);
    assertEquals(LINES, splitOneByteAtATime(splitter, input)); // warm-up, and the buffer grows
    long before = (long) allocatedBytes.invoke(threads, self);
    int lines = splitOneByteAtATime(splitter, input);
    long allocated = (long) allocatedBytes.invoke(threads, self) - before;
    assertEquals(LINES, lines);
    long perLine = allocated / LINES;
    System.err.println("LineSplitter, one byte at a time: " + perLine + " bytes per line of "
        + LINE_LENGTH + " (" + LINE_LENGTH * LINES / 1024 + " KiB fed)");
    // A String of 99 Latin-1 bytes weighs about 160 bytes; one small object per byte fed would
    // add 1,600 and more.
    assertTrue(perLine < 400, perLine + " bytes per line");
  }

  private static int splitOneByteAtATime(LineSplitter splitter, ByteBuffer input) {
    int lines = 0;
    int total = input.capacity();
    for (int i = 0; i < total; i++) {
      input.limit(i + 1).position(i);
      while (input.hasRemaining()) {
        if (splitter.poll(input) == LineSplitter.LINE) {
          lines++;
        }
      }
    }
    return lines;
  }
}
