// The kernel's IPVS schedulers (one ip_vs_NAME module each, Linux 6.1), in the order ipvsadm's
// help lists them, with the description ipvsadm's manual gives. The kernel has no request that
// lists them, so this table is what shell completion offers after -s.

export interface SchedulerDef {
  readonly name: string;
  readonly description: string;
}

export const SCHEDULERS: readonly SchedulerDef[] = [
  { name: 'rr', description: 'round robin' },
  { name: 'wrr', description: 'weighted round robin' },
  { name: 'lc', description: 'least-connection' },
  { name: 'wlc', description: 'weighted least-connection' },
  { name: 'lblc', description: 'locality-based least-connection' },
  { name: 'lblcr', description: 'locality-based least-connection with replication' },
  { name: 'dh', description: 'destination hashing' },
  { name: 'sh', description: 'source hashing' },
  { name: 'sed', description: 'shortest expected delay' },
  { name: 'nq', description: 'never queue' },
  { name: 'fo', description: 'weighted failover' },
  { name: 'ovf', description: 'weighted overflow' },
  { name: 'mh', description: 'maglev hashing' },
];
