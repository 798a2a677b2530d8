// The plan as ipvsadm lines: each line, read back by the compatible ipvsadm parser, is the same
// request; the text, run as ipvsadm -R would run it, reaches the desired state.

import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/parse';
import { tokenizeRestoreInput } from '../../src/cli/restore';
import { commandLine, NotExpressible, planText } from '../../src/apply/render';
import { planChanges, type IpvsState, type RequestOperation } from '../../src/apply/plan';
import { simulate } from '../../src/apply/simulate';
import { destDifferences, destId, serviceDifferences, serviceId } from '../../src/apply/identity';
import { AF_INET, AF_INET6, FwdMethod, IPPROTO_TCP, IPPROTO_UDP, SvcFlag, TunnelType } from '../../src/ipvs/constants';
import type { ParsedCommand } from '../../src/cli/command';
import { canonical, mutate, randomState, rng, server, service } from '../apply/states';
import { deps } from './parse-helpers';

const KIND: Partial<Record<ParsedCommand['command'], RequestOperation['kind']>> = {
  'add-service': 'add-service', 'edit-service': 'edit-service', 'delete-service': 'delete-service',
  'add-server': 'add-server', 'edit-server': 'edit-server', 'delete-server': 'delete-server',
};

/** What ipvsadm would send for one line, as a plan operation. */
async function asIpvsadmWould(line: string): Promise<RequestOperation> {
  const [tokens] = tokenizeRestoreInput(line + '\n');
  const cmd = await parseCommandLine(tokens, 'ipvsadm', deps);
  const kind = KIND[cmd.command];
  if (!kind) throw new Error(`unexpected ${cmd.command}`);
  return { kind, service: cmd.service, dest: cmd.dest, previous: undefined, changed: [] } as unknown as RequestOperation;
}

describe('commandLine', { timeout: 120_000 }, () => {
  it('gives lines ipvsadm parses into the same requests (generated plans)', async () => {
    let lines = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const current = randomState(r);
      for (const op of planChanges(current, mutate(r, current), { prune: true, drainSeconds: r.chance(0.3) ? 5 : undefined }).operations) {
        if (op.kind === 'drain') continue;
        const line = commandLine(op);
        const back = await asIpvsadmWould(line);
        lines++;
        expect(back.kind, line).toBe(op.kind);
        expect(serviceId(back.service), line).toBe(serviceId(op.service));
        if (op.kind === 'add-service' || op.kind === 'edit-service') expect(serviceDifferences(back.service, op.service), line).toEqual([]);
        if (op.kind === 'add-server' || op.kind === 'edit-server' || op.kind === 'delete-server') {
          expect(destId((back as typeof op).dest), line).toBe(destId(op.dest));
        }
        if (op.kind === 'add-server' || op.kind === 'edit-server') expect(destDifferences((back as typeof op).dest, op.dest), line).toEqual([]);
      }
    }
    expect(lines).toBeGreaterThan(1000);
  });

  it('gives text that, run line by line as -R does, reaches the desired state', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = rng(seed);
      const current = randomState(r);
      const desired = mutate(r, current);
      let state: IpvsState = current;
      for (const line of planText(planChanges(current, desired, { prune: true })).split('\n').filter(Boolean)) {
        state = simulate(state, await asIpvsadmWould(line));
      }
      expect(canonical(state), `seed ${seed}`).toEqual(canonical(desired));
    }
  });

  it('spells each kind of object as ipvsadm -S would', () => {
    const v6 = service({ af: AF_INET6, address: '2001:db8::1', port: 443, scheduler: 'sh', flags: SvcFlag.PERSISTENT | SvcFlag.SCHED1 | SvcFlag.SCHED2, timeout: 300, netmask: 64, peName: 'sip' });
    expect(commandLine({ kind: 'add-service', service: v6 })).toBe('-A -t [2001:db8::1]:443 -s sh -p 300 -M 64 --pe sip -b sh-fallback,sh-port');
    const fw = service({ fwmark: 7, af: AF_INET6, netmask: 128, scheduler: 'rr', flags: SvcFlag.ONEPACKET | SvcFlag.SCHED3 });
    expect(commandLine({ kind: 'edit-service', service: fw, previous: fw, changed: [] })).toBe('-E -f 7 -6 -s rr -o -b flag-3');
    const udp = service({ protocol: IPPROTO_UDP, address: '10.0.0.1', port: 53, scheduler: 'wlc', flags: SvcFlag.PERSISTENT, timeout: 60, netmask: 0xffffff00 });
    expect(commandLine({ kind: 'delete-service', service: udp })).toBe('-D -u 10.0.0.1:53');
    expect(commandLine({ kind: 'add-service', service: udp })).toBe('-A -u 10.0.0.1:53 -s wlc -p 60 -M 255.255.255.0');
    const gue = server({ af: AF_INET, address: '10.1.0.1', port: 443, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GUE, tunPort: 6080, tunFlags: 2, weight: 3, upperThreshold: 100, lowerThreshold: 50 });
    expect(commandLine({ kind: 'add-server', service: v6, dest: gue })).toBe('-a -t [2001:db8::1]:443 -r 10.1.0.1:443 -i -w 3 -x 100 -y 50 --tun-type gue --tun-port 6080 --tun-remcsum');
    const masq = server({ af: AF_INET, address: '10.1.0.2', port: 8080, fwdMethod: FwdMethod.MASQ, weight: 0 });
    expect(commandLine({ kind: 'edit-server', service: udp, dest: masq, previous: masq, changed: [] })).toBe('-e -u 10.0.0.1:53 -r 10.1.0.2:8080 -m -w 0');
    expect(commandLine({ kind: 'delete-server', service: udp, dest: masq })).toBe('-d -u 10.0.0.1:53 -r 10.1.0.2:8080');
  });

  it('refuses what ipvsadm cannot spell, with the reason', () => {
    const vip = service({ address: '10.0.0.1', port: 80 });
    const cases: Array<[RequestOperation, RegExp]> = [
      [{ kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.LOCALNODE }) }, /forwarding method 1/],
      [{ kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1', port: 8080 }) }, /service's port \(80\), not 8080/],
      [{ kind: 'add-service', service: { ...vip, timeout: 30 } }, /timeout \(30\) without persistence/],
      [{ kind: 'add-service', service: { ...vip, protocol: 99 } }, /protocol 99/],
      [{ kind: 'add-service', service: { ...vip, scheduler: 'a b' } }, /one ipvsadm argument/],
      [{ kind: 'add-service', service: { ...vip, flags: SvcFlag.ONEPACKET } }, /-o only for UDP/],
      [{ kind: 'add-service', service: { ...vip, port: 0 } }, /port 0/],
      [{ kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1', port: 80, tunPort: 5 }) }, /tunnel settings/],
      [{ kind: 'add-server', service: vip, dest: server({ address: '10.1.0.1', port: 80, fwdMethod: FwdMethod.TUNNEL, tunType: TunnelType.GRE, tunFlags: 2 }) }, /gre/],
    ];
    for (const [op, reason] of cases) expect(() => commandLine(op)).toThrow(NotExpressible), expect(() => commandLine(op)).toThrow(reason);
    void AF_INET;
    void IPPROTO_TCP;
  });
});
