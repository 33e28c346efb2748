/**
 * JMH benchmarks of {@code dev.tether.channel.codec} against naive encoders and decoders measured
 * in the same run; {@link dev.tether.benchmarks.codec.CodecBench} runs them and prints ratios.
 */
package dev.tether.benchmarks.codec;
