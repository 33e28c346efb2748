/** An SMTP sink on one reactor thread: every accepted mail is written to its own file. */
package dev.tether.examples.smtp;
