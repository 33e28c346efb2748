/** An HTTP GET with the reactor's {@link dev.tether.reactor.protocols.HttpClient}. */
package dev.tether.examples.fetch;
