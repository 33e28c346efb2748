/** A UDP echo on one reactor thread: each datagram goes back to its sender, unchanged. */
package dev.tether.examples.udp;
