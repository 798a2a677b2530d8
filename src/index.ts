// tsipvsadm as a library: a typed IPVS client over one generic-netlink socket, the models it
// speaks, and the ipvsadm-compatible command runner.

export { IpvsClient, IpvsError, IpvsTimeoutError, type IpvsClientOptions, type IpvsOperation } from './ipvs/client';
export type { Daemon, Destination, Info, Service, ServiceKey, Stats, TimeoutConfig } from './ipvs/types';
export * from './ipvs/constants';
export { DumpInterruptedError, type NetlinkTransport } from './netlink/genl';
export { runCli, type CliIO } from './cli/run';
export { ipvsStrerror } from './cli/errors';
