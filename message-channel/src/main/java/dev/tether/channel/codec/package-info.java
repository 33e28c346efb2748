/**
 * The wire codec: stateless frame encoding and decoding over {@link java.nio.ByteBuffer}s, shared
 * by the blocking {@link dev.tether.channel.MessageChannel} and the non-blocking reactor so that
 * the format lives in one place. Nothing here does I/O.
 */
package dev.tether.channel.codec;
