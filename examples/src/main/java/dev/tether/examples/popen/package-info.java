/**
 * A child process on the reactor: {@link dev.tether.examples.popen.Popen} runs a command through
 * {@code Reactor.popen}, copies its output to stdout and exits with its status.
 */
package dev.tether.examples.popen;
