// The parsed form of one ipvsadm command line: what the argv parser produces and the runner consumes.

import type { Daemon, Destination, Service, TimeoutConfig } from '../ipvs/types';

/** Command names as ipvsadm spells them in its messages. */
export type CommandName =
  | 'add-service'
  | 'edit-service'
  | 'delete-service'
  | 'flush'
  | 'list'
  | 'add-server'
  | 'delete-server'
  | 'edit-server'
  | 'set'
  | 'start-daemon'
  | 'stop-daemon'
  | 'restore'
  | 'save'
  | 'zero'
  | 'help'
  | 'version';

/** Option names as ipvsadm spells them in its messages (the rows of its command/option matrix). */
export type OptionName =
  | 'numeric'
  | 'connection'
  | 'service-address'
  | 'scheduler'
  | 'persistent'
  | 'netmask'
  | 'real-server'
  | 'forwarding-method'
  | 'weight'
  | 'u-threshold'
  | 'l-threshold'
  | 'mcast-interface'
  | 'timeout'
  | 'daemon'
  | 'stats'
  | 'rate'
  | 'thresholds'
  | 'persistent-conn'
  | 'nosort'
  | 'syncid'
  | 'exact'
  | 'ops'
  | 'pe'
  | 'sched-flags'
  | 'mcast-group'
  | 'mcast-port'
  | 'mcast-ttl'
  | 'sync-maxlen'
  | 'tun-info'
  | 'tun-type'
  | 'tun-port'
  | 'tun-nocsum'
  | 'tun-csum'
  | 'tun-remcsum';

/**
 * A fully validated command, with every ipvsadm default applied (scheduler wlc on -A/-E,
 * weight 1, DR forwarding, port forcing for DR/TUN dests, mcast interface eth0, ...), so the
 * runner sends exactly what ipvsadm would send.
 */
export interface ParsedCommand {
  command: CommandName;
  /** Matrix options given on the command line. */
  options: ReadonlySet<OptionName>;
  /** The service as ipvsadm would send it (all fields filled, defaults applied). */
  service: Service;
  /** The destination as ipvsadm would send it. */
  dest: Destination;
  /** For --start-daemon / --stop-daemon. */
  daemon: Daemon;
  /** For --set. */
  timeouts: TimeoutConfig;
}

/**
 * Thrown by the parser (and by the runner for validation failures) to end the command the way
 * ipvsadm would: `stderr` is written as is (already ending in a newline) and the process exits
 * with `exitCode`.
 */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout: string = '',
  ) {
    super(stderr.trimEnd() || `exit ${exitCode}`);
  }
}
