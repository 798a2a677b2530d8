// The process's effective capabilities, for the few places where ipvsadm's outcome depends on a
// system call that needs one (and that tsipvsadm does not make).

import { readFileSync } from 'node:fs';

export const CAP_NET_RAW = 13;

/** Whether capability `cap` is in the effective set (read from /proc/self/status). */
export function hasCapability(cap: number, status = () => readFileSync('/proc/self/status', 'latin1')): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status())?.[1];
    return hex !== undefined && ((BigInt(`0x${hex}`) >> BigInt(cap)) & 1n) === 1n;
  } catch {
    return false;
  }
}
