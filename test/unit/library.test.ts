// The library API end to end on the host: builders and notation → IpvsClient → codec → a fake
// IPVS kernel behind the injected socket (fake-ipvs.ts). The README's example runs against the
// real kernel in test/kernel/library.test.ts.

import { constants as osConstants } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GenlSocket, NetlinkError } from '../../src/netlink/genl';
import * as lib from '../../src/index';
import { destination, destinationKey, FwdMethod, IpvsClient, IpvsError, service, serviceKey } from '../../src/index';
import { FakeIpvs } from './fake-ipvs';

const clients: IpvsClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function open(kernel = new FakeIpvs()) {
  const ipvs = await IpvsClient.open({ socket: kernel.socket });
  clients.push(ipvs);
  return { ipvs, kernel };
}

describe('the library', () => {
  it('adds a service with two real servers and reads them back in a snapshot', async () => {
    const { ipvs } = await open();
    const web = service('tcp:10.0.0.1:80', { scheduler: 'rr' });
    await ipvs.addService(web);
    await ipvs.addDestination(web, destination('10.0.0.12:80', { forwarding: 'masq', weight: 2 }));
    await ipvs.addDestination('tcp:10.0.0.1:80', destination('10.0.0.11:80', { forwarding: 'masq' }));
    const snap = await ipvs.snapshot();
    expect(snap.services.map(serviceKey)).toEqual(['tcp:10.0.0.1:80']);
    expect(snap.services[0].scheduler).toBe('rr');
    expect(snap.services[0].destinations.map((d) => [destinationKey(d), d.weight, d.fwdMethod])).toEqual([
      ['10.0.0.11:80', 1, FwdMethod.MASQ],
      ['10.0.0.12:80', 2, FwdMethod.MASQ],
    ]);
  });

  it('looks up, deletes and zeroes by key or notation', async () => {
    const { ipvs } = await open();
    await ipvs.addService(service('udp:[2001:db8::1]:53'));
    await ipvs.addDestination('udp:[2001:db8::1]:53', destination('[2001:db8::2]:53'));
    expect((await ipvs.findService('udp:[2001:db8::1]:53'))?.scheduler).toBe('wlc');
    expect(await ipvs.findService('udp:[2001:db8::1]:54')).toBeUndefined();
    expect((await ipvs.findDestination('udp:[2001:db8::1]:53', '[2001:db8::2]:53'))?.weight).toBe(1);
    expect(await ipvs.findDestination('udp:[2001:db8::1]:53', '[2001:db8::3]:53')).toBeUndefined();
    await ipvs.zero('udp:[2001:db8::1]:53');
    await ipvs.deleteDestination('udp:[2001:db8::1]:53', '[2001:db8::2]:53');
    expect(await ipvs.destinations('udp:[2001:db8::1]:53')).toEqual([]);
    await ipvs.deleteService(lib.parseServiceNotation('udp:[2001:db8::1]:53'));
    expect((await ipvs.snapshot()).services).toEqual([]);
  });

  it('rejects refusals with IpvsError, named', async () => {
    const { ipvs } = await open();
    const err = await ipvs.deleteService('tcp:10.9.9.9:1').catch((e) => e);
    expect(err).toBeInstanceOf(IpvsError);
    expect(err.name).toBe('IpvsError');
    expect(err.operation).toBe('del_service');
  });

  it('exposes the public API and nothing wire-level', () => {
    for (const internal of ['SvcAttr', 'DestAttr', 'CmdAttr', 'IpvsCommand', 'StatsAttr', 'packService', 'GenlSocket', 'encodeAttr']) {
      expect(Object.keys(lib)).not.toContain(internal);
    }
    for (const name of ['IpvsClient', 'service', 'destination', 'readSnapshot', 'parseServiceNotation', 'IpvsUnavailableError', 'NotationError']) {
      expect(Object.keys(lib)).toContain(name);
    }
    for (const E of [lib.IpvsError, lib.IpvsTimeoutError, lib.IpvsUnavailableError, lib.NotationError, lib.SnapshotReadError, lib.DumpInterruptedError]) {
      expect(E.name).toMatch(/Error$/);
    }
    expect(new lib.IpvsUnavailableError().name).toBe('IpvsUnavailableError');
    expect(new lib.IpvsUnavailableError()).not.toBeInstanceOf(IpvsError);
  });

  it('tells a kernel without IPVS (unknown family) from a refusal', async () => {
    const spy = vi.spyOn(GenlSocket.prototype, 'resolveFamily').mockRejectedValue(new NetlinkError(osConstants.errno.ENOENT));
    try {
      const kernel = new FakeIpvs();
      const err = await IpvsClient.open({ socket: kernel.socket }).catch((e) => e);
      expect(err).toBeInstanceOf(lib.IpvsUnavailableError);
      expect(err.message).toMatch(/not available/);
    } finally {
      spy.mockRestore();
    }
  });
});
