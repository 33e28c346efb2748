/**
 * The reactor toolkit on files: {@link dev.tether.examples.files.FileServe} streams a file into
 * every connection with a {@code FileStreamer} and reports each transfer when its deferrable
 * completes.
 */
package dev.tether.examples.files;
