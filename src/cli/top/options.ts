// The `top` verb's options, as data: the verb registry builds the commander definition from them
// and shell completion offers them. Kept apart from the view so the registry stays light.

import { SORT_KEYS, TOP_COLUMNS } from './columns';

export const TOP_SUMMARY = 'live view of the services and real servers: connections and rates';

export const TOP_OPTIONS = [
  { flags: '-d, --delay <seconds>', description: 'seconds between refreshes (default 2)' },
  { flags: '--sort <column>', description: 'sort by this column (default name)', choices: SORT_KEYS },
  { flags: '--reverse', description: 'reverse the sort order' },
  { flags: '-t, --tcp-service <service-address>', description: 'only this TCP service' },
  { flags: '-u, --udp-service <service-address>', description: 'only this UDP service' },
  { flags: '--sctp-service <service-address>', description: 'only this SCTP service' },
  { flags: '-f, --fwmark-service <fwmark>', description: 'only this firewall-mark service' },
  { flags: '-6, --ipv6', description: 'the fwmark service is IPv6' },
  { flags: '-n, --numeric', description: 'numeric addresses and ports' },
] as const;

export const TOP_DETAILS = `Columns (--sort keys): ${TOP_COLUMNS.map((c) => `${c.key} (${c.description})`).join(', ')}.
Rates are per second over the refresh interval, from the kernel's counters; the first frame shows
the kernel's own estimates. Keys: q or Ctrl-C quits, s / S sorts by the next / previous column,
r reverses the order. When stdout is not a terminal, one frame is printed.
`;
