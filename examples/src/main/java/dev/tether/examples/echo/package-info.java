/** A byte-transparent TCP echo server on one reactor thread, with back pressure. */
package dev.tether.examples.echo;
