/**
 * The reactor: an EventMachine-class event loop for worker processes.
 */
package dev.tether.reactor;
