/** A line echo on one reactor thread with LineText2, and its line length limit. */
package dev.tether.examples.lines;
