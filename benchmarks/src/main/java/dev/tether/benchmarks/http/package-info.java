/**
 * The http benchmark: HTTP/1.1 hello servers, each a separate JVM given a port, under the wrk
 * load generator, kept-alive and with Connection: close; {@link
 * dev.tether.benchmarks.http.HttpBench} orchestrates and prints the table.
 */
package dev.tether.benchmarks.http;
