/**
 * The IPVS state model, between the kernel client (src/ipvs) and the front ends and renderers.
 *
 * - tables.ts: one table per concept (protocols, forwarding methods, tunnel types and checksum
 *   flags, service flags with the scheduler-flag words), with every name parsers and formatters
 *   use: ipvsadm's switches and printed labels, and lower-case names for the notation and
 *   structured output. Look names up here; do not write another switch.
 * - notation.ts: the service notation users write and read (`tcp:10.0.0.1:80`,
 *   `udp:[2001:db8::1]:53`, `sctp:…`, `fwmark:5`, `fwmark6:5`) and a real server's
 *   `address:port`, parsed (family inferred from the address) and printed canonically.
 * - identity.ts: stable string keys of services and real servers (their canonical notation),
 *   and equality of configurations that ignores counters, statistics and the kernel's HASHED flag.
 * - snapshot.ts: `readSnapshot(client, opts)` / `client.snapshot()` and `readServices`: one
 *   service dump, then the destination dumps of many services at once (bounded concurrency), in
 *   ipvsadm's order or the kernel's, with a bounded retry of the whole read when a dump comes
 *   back interrupted; partial failures report what was read before them (SnapshotReadError).
 * - builders.ts: whole ServiceConfig / DestinationConfig values from the notation and a few
 *   options, every other field at ipvsadm's default (scheduler wlc, weight 1, direct routing, …).
 * - errors.ts: the model's error classes.
 */

export * from './tables';
export * from './notation';
export * from './identity';
export * from './snapshot';
export * from './errors';
export * from './builders';
