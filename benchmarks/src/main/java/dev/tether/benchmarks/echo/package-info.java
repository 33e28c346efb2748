/**
 * The echo benchmark: echo servers, each a separate JVM given a port, driven side by side by the C
 * closed-loop load generator {@code src/main/c/echo_load.c}; {@link
 * dev.tether.benchmarks.echo.EchoBench} orchestrates and prints the table.
 */
package dev.tether.benchmarks.echo;
