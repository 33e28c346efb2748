/** A chat room: {@link dev.tether.reactor.protocols.LineText2} lines through a toolkit Channel. */
package dev.tether.examples.chat;
