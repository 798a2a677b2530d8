// A fast path for the rules lines `ipvsadm -S -n` writes (and `diff` prints for adds): `-A`
// and `-a` lines in exactly that canonical shape, numbers and addresses in their plain decimal
// and numeric forms. Such a line is read here without popt's scanner, the option table and the
// await per option (a 16,000-service no-op apply spent most of its own time there); anything
// else, or anything that would fail, gives `undefined` and the caller runs the full parser
// (parseCommandLine), which then says what ipvsadm would say. The result equals the full
// parser's for every line accepted: test/unit/canonical-rule.test.ts runs both on every shape.

import type { OptionName, ParsedCommand } from './command';
import { initialState } from './options/state';
import { INT_MAX, truncateBytes } from './options/c-numbers';
import { MAX_TIMEOUT } from './options/values';
import { parseSchedFlags } from './options/sched-flags';
import {
  AF_INET,
  AF_INET6,
  FwdMethod,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_PENAME_MAXLEN,
  IP_VS_SCHEDNAME_MAXLEN,
  NETMASK_V6_FULL,
  SCHED_FLAGS_MASK,
  SvcFlag,
  TunnelType,
} from '../ipvs/constants';
import { inetAton, inetPton6, ntop6 } from '../net/inet';
import { FORWARDING_METHODS, PROTOCOLS, TUNNEL_FLAGS, tunnelTypeByName } from '../model/tables';

/** -t, -u, --sctp-service → protocol. */
const PROTOCOL_SWITCHES = new Map<string, number>(PROTOCOLS.map((p) => [p.ruleSwitch, p.protocol]));
/** -m, -i, -g → forwarding method (the options, not LOCALNODE's printed -g). */
const FORWARDING_SWITCHES = new Map<string, number>(FORWARDING_METHODS.filter((f) => f.shortOption).map((f) => [`-${f.shortOption}`, f.method]));
/** --tun-nocsum, --tun-csum, --tun-remcsum → its option name and flag bits. */
const TUNNEL_FLAG_SWITCHES = new Map(TUNNEL_FLAGS.map((t) => [`--${t.longOption}`, t]));

/** A dotted quad as u32ToDotted prints it: four decimals 0..255 without leading zeros. */
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
/** A decimal without sign, white space or leading zeros (at most 10 digits, checked for range after). */
const DECIMAL = /^(?:0|[1-9][0-9]{0,9})$/;
/** Scheduler and persistence-engine names, -b's words: letters, digits, '_' and '-' (and ',' for -b). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const FLAG_WORDS = /^[A-Za-z0-9_,-]+$/;

/** A plain decimal in [min, max], or -1. */
function decimal(text: string | undefined, min: number, max: number): number {
  if (text === undefined || !DECIMAL.test(text)) return -1;
  const n = Number(text);
  return n >= min && n <= max ? n : -1;
}

interface Address {
  af: number;
  address: string;
  port: number;
}

/** `a.b.c.d:port` or `[v6]:port`, numeric only (what -S -n writes); undefined for anything else. */
function addressPort(text: string | undefined): Address | undefined {
  if (text === undefined) return undefined;
  if (text[0] === '[') {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return undefined;
    const bytes = inetPton6(text.slice(1, close));
    const port = decimal(text.slice(close + 2), 0, 65535);
    if (!bytes || port < 0) return undefined;
    return { af: AF_INET6, address: ntop6(bytes), port };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return undefined;
  const address = text.slice(0, colon);
  const port = decimal(text.slice(colon + 1), 0, 65535);
  if (port < 0 || !DOTTED_QUAD.test(address)) return undefined;
  return { af: AF_INET, address, port };
}

/**
 * The parsed command of a canonical `-A` or `-a` line, equal to parseCommandLine's; undefined
 * when the line is not in that shape or the full parser would refuse it.
 *
 *   -A SERVICE -s SCHED [-p TIMEOUT] [-M MASK] [--pe NAME] [-o] [-b FLAGS]
 *   -a SERVICE -r ADDR:PORT (-m|-i|-g) -w N [-x N] [-y N]
 *      [--tun-type ipip | --tun-type gue --tun-port N [FLAG] | --tun-type gre [FLAG]]
 *   SERVICE: -t|-u|--sctp-service ADDR:PORT, or -f MARK [-6]
 */
export function parseCanonicalRule(tokens: readonly string[]): ParsedCommand | undefined {
  const command = tokens[0] === '-A' ? 'add-service' : tokens[0] === '-a' ? 'add-server' : undefined;
  if (command === undefined) return undefined;
  const st = initialState();
  st.command = command;
  const { service: svc, dest, options } = st;
  const set = (name: OptionName) => options.add(name);
  let i = 1;

  // The service: what -t/-u/--sctp-service or -f (and -6) set.
  const protocol = PROTOCOL_SWITCHES.get(tokens[i]);
  if (protocol !== undefined) {
    const at = addressPort(tokens[i + 1]);
    if (!at) return undefined;
    svc.protocol = protocol;
    svc.af = at.af;
    svc.address = at.address;
    svc.port = at.port;
    if (at.af === AF_INET6) svc.netmask = NETMASK_V6_FULL;
    i += 2;
  } else if (tokens[i] === '-f') {
    const mark = decimal(tokens[i + 1], 1, 0xffffffff);
    if (mark < 0) return undefined;
    svc.af = AF_INET;
    svc.protocol = IPPROTO_TCP;
    svc.fwmark = mark;
    i += 2;
    if (tokens[i] === '-6') {
      svc.af = AF_INET6;
      svc.netmask = NETMASK_V6_FULL;
      i++;
    }
  } else {
    return undefined;
  }
  set('service-address');

  if (command === 'add-service') {
    if (tokens[i] !== '-s' || tokens[i + 1] === undefined || !NAME.test(tokens[i + 1])) return undefined;
    svc.scheduler = truncateBytes(tokens[i + 1], IP_VS_SCHEDNAME_MAXLEN - 1);
    set('scheduler');
    i += 2;
    if (tokens[i] === '-p') {
      const timeout = decimal(tokens[i + 1], 1, MAX_TIMEOUT);
      if (timeout < 0) return undefined;
      svc.flags |= SvcFlag.PERSISTENT;
      svc.timeout = timeout;
      set('persistent');
      i += 2;
    }
    if (tokens[i] === '-M') {
      const text = tokens[i + 1];
      if (text === undefined) return undefined;
      if (svc.af === AF_INET6) {
        const prefix = decimal(text, 1, 128);
        if (prefix < 0) return undefined;
        svc.netmask = prefix;
      } else {
        const mask = DOTTED_QUAD.test(text) ? inetAton(text) : null;
        if (mask === null) return undefined;
        svc.netmask = mask;
      }
      set('netmask');
      i += 2;
    }
    if (tokens[i] === '--pe') {
      if (tokens[i + 1] === undefined || !NAME.test(tokens[i + 1])) return undefined;
      svc.peName = truncateBytes(tokens[i + 1], IP_VS_PENAME_MAXLEN);
      set('pe');
      i += 2;
    }
    if (tokens[i] === '-o') {
      svc.flags |= SvcFlag.ONEPACKET;
      set('ops');
      i++;
    }
    let schedFlags: string | undefined;
    if (tokens[i] === '-b') {
      schedFlags = tokens[i + 1];
      if (schedFlags === undefined || !FLAG_WORDS.test(schedFlags)) return undefined;
      set('sched-flags');
      i += 2;
    }
    if (i !== tokens.length) return undefined;
    if (schedFlags !== undefined) {
      let bits: number | null;
      try {
        bits = parseSchedFlags(svc.scheduler, truncateBytes(schedFlags, 127));
      } catch {
        return undefined; // an unknown or incompatible word: the full parser says which
      }
      if (bits === null) return undefined;
      svc.flags = (svc.flags & ~SCHED_FLAGS_MASK) | bits;
    }
    // process_options' checks for -A.
    if (!svc.fwmark && !svc.port && !(svc.flags & SvcFlag.PERSISTENT)) return undefined;
    if (svc.flags & SvcFlag.ONEPACKET && !svc.fwmark && svc.protocol !== IPPROTO_UDP) return undefined;
    return { command, options, service: svc, dest, daemon: st.daemon, timeouts: st.timeouts };
  }

  // -a: the real server, parsed against the service (its port is the default).
  if (tokens[i] !== '-r') return undefined;
  const server = addressPort(tokens[i + 1]);
  if (!server) return undefined;
  dest.af = server.af;
  dest.address = server.address;
  dest.port = server.port;
  set('real-server');
  i += 2;
  const method = FORWARDING_SWITCHES.get(tokens[i]);
  if (method === undefined) return undefined;
  dest.fwdMethod = method;
  set('forwarding-method');
  i++;
  if (tokens[i] !== '-w') return undefined;
  dest.weight = decimal(tokens[i + 1], 0, INT_MAX);
  if (dest.weight < 0) return undefined;
  set('weight');
  i += 2;
  if (tokens[i] === '-x') {
    dest.upperThreshold = decimal(tokens[i + 1], 0, INT_MAX);
    if (dest.upperThreshold < 0) return undefined;
    set('u-threshold');
    i += 2;
  }
  if (tokens[i] === '-y') {
    dest.lowerThreshold = decimal(tokens[i + 1], 0, INT_MAX);
    if (dest.lowerThreshold < 0) return undefined;
    set('l-threshold');
    i += 2;
  }
  if (tokens[i] === '--tun-type') {
    if (method !== FwdMethod.TUNNEL) return undefined;
    const type = tunnelTypeByName(tokens[i + 1]);
    if (!type) return undefined;
    dest.tunType = type.type;
    set('tun-type');
    i += 2;
    if (type.type === TunnelType.GUE) {
      if (tokens[i] !== '--tun-port') return undefined;
      dest.tunPort = decimal(tokens[i + 1], 1, 65535);
      if (dest.tunPort < 0) return undefined;
      set('tun-port');
      i += 2;
    }
    const flag = TUNNEL_FLAG_SWITCHES.get(tokens[i]);
    if (flag && type.type !== TunnelType.IPIP && (type.type === TunnelType.GUE || flag.longOption !== 'tun-remcsum')) {
      dest.tunFlags |= flag.flags;
      set(flag.longOption);
      i++;
    }
  }
  if (i !== tokens.length) return undefined;
  // process_options' checks for -a.
  if (!svc.fwmark && (method === FwdMethod.TUNNEL || method === FwdMethod.DROUTE)) dest.port = svc.port;
  if (dest.af !== svc.af && method !== FwdMethod.TUNNEL) return undefined;
  return { command, options, service: svc, dest, daemon: st.daemon, timeouts: st.timeouts };
}
