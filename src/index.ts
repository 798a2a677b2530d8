// tsipvsadm as a library: a typed IPVS client over generic netlink, the configuration and state
// types it speaks, builders and the service notation, the state snapshot, and the
// ipvsadm-compatible command runner. Wire-level details (netlink attribute numbers, the codec)
// stay inside.

export {
  IpvsClient,
  IpvsError,
  IpvsTimeoutError,
  IpvsUnavailableError,
  type BatchOptions,
  type BatchOutcome,
  type BatchResult,
  type DestinationRef,
  type DumpOptions,
  type IpvsClientOptions,
  type IpvsOperation,
  type ServiceRef,
} from './ipvs/client';
export type { IpvsChange, IpvsChangeOperation } from './ipvs/changes';
export type {
  Daemon,
  Destination,
  DestinationConfig,
  DestinationKey,
  Info,
  Service,
  ServiceConfig,
  ServiceKey,
  Stats,
  TimeoutConfig,
} from './ipvs/types';
export { AddressFamily, DaemonState, FwdMethod, Protocol, SvcFlag, TunnelFlags, TunnelType } from './ipvs/constants';
export { DumpInterruptedError, type GenlReply, type NetlinkTransport } from './netlink/transport';

export {
  DEFAULT_PERSISTENCE_TIMEOUT,
  DEFAULT_SCHEDULER,
  destination,
  service,
  type DestinationOptions,
  type ForwardingName,
  type ServiceOptions,
} from './model/builders';
export { formatDestinationNotation, formatServiceNotation, parseDestinationNotation, parseServiceNotation } from './model/notation';
export {
  destinationConfigOf,
  destinationKey,
  sameDestinationConfig,
  sameServiceConfig,
  serviceConfigOf,
  serviceKey,
} from './model/identity';
export { readServices, readSnapshot, SnapshotReadError, type ReadOptions, type ServiceState, type Snapshot } from './model/snapshot';
export { NotationError } from './model/errors';

export { runCli, type CliIO } from './cli/run';
export { ipvsStrerror } from './cli/errors';
