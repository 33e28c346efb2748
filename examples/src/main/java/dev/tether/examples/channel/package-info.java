/** A tour of the blocking message channel between two threads: messages, hashes, fds. */
package dev.tether.examples.channel;
