/**
 * The supervisor: pools of worker JVMs kept alive ({@link dev.tether.supervisor.WorkerPool}),
 * with restart policy, heartbeats, exit records, and requests routed to the least loaded worker.
 */
package dev.tether.supervisor;
