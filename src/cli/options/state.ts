// The parse state ipvsadm's option handlers fill in (its struct ipvs_command_entry plus the
// option mask), and the name look-ups they need.

import type { CommandName, OptionName } from '../command';
import type { Daemon, Destination, Service, TimeoutConfig } from '../../ipvs/types';
import { FwdMethod, NETMASK_V4_FULL } from '../../ipvs/constants';
import { getServByName } from '../../net/services';
import { resolveHostV4 } from '../../net/hosts';

/** Name look-ups the parser needs; injectable so tests don't depend on the host's resolver. */
export interface ParseDeps {
  /** gethostbyname, IPv4 only: the first address as dotted quad, or null. */
  resolveHostV4(name: string): Promise<string | null>;
  /** getservbyname(name, proto): the port, or undefined. */
  getServByName(name: string, proto: string | undefined): number | undefined;
  /** The environment popt looks at (POSIXLY_CORRECT, POSIX_ME_HARDER); process.env if absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

export const defaultDeps: ParseDeps = { resolveHostV4, getServByName };

/** ipvsadm's struct ipvs_command_entry plus the option mask, as the option handlers fill it. */
export interface ParseState {
  command: CommandName;
  options: Set<OptionName>;
  service: Service;
  dest: Destination;
  daemon: Daemon;
  timeouts: TimeoutConfig;
  /** The -b argument, kept for after the option loop (as ipvsadm does). */
  schedFlagsArg: string;
  deps: ParseDeps;
}

/** process_options' initial command entry: memset 0, then weight 1, DROUTE and a /32 netmask. */
export function initialState(deps: ParseDeps = defaultDeps): ParseState {
  return {
    command: 'list',
    options: new Set(),
    service: {
      af: 0,
      protocol: 0,
      address: '',
      port: 0,
      fwmark: 0,
      scheduler: '',
      flags: 0,
      timeout: 0,
      netmask: NETMASK_V4_FULL,
      peName: '',
    },
    dest: {
      af: 0,
      address: '',
      port: 0,
      fwdMethod: FwdMethod.DROUTE,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunType: 0,
      tunPort: 0,
      tunFlags: 0,
      activeConns: 0,
      inactConns: 0,
      persistConns: 0,
    },
    daemon: { state: 0, mcastIfn: '', syncId: 0 },
    timeouts: { tcp: 0, tcpFin: 0, udp: 0 },
    schedFlagsArg: '',
    deps,
  };
}
