package dev.tether.channel;

/** Placeholder; being written. */
public final class MessageChannel {
  private MessageChannel() {}
}
