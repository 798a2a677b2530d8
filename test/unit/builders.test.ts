import { describe, expect, it } from 'vitest';
import { AddressFamily, FwdMethod, Protocol, SvcFlag, TunnelFlags, TunnelType } from '../../src/ipvs/constants';
import { destination, NotationError, service } from '../../src/model';

describe('service builder', () => {
  it("fills ipvsadm's defaults", () => {
    expect(service('tcp:10.0.0.1:80')).toEqual({
      af: AddressFamily.INET,
      protocol: Protocol.TCP,
      address: '10.0.0.1',
      port: 80,
      fwmark: 0,
      scheduler: 'wlc',
      flags: 0,
      timeout: 0,
      netmask: 0xffffffff,
      peName: '',
    });
    expect(service('udp:[2001:db8::1]:53').netmask).toBe(128);
    expect(service('fwmark6:7')).toMatchObject({ af: AddressFamily.INET6, fwmark: 7, netmask: 128 });
  });

  it('sets persistence, netmask, pe, one-packet and scheduler flags', () => {
    expect(service('tcp:10.0.0.1:0', { persistent: true, netmask: 24, pe: 'sip' })).toMatchObject({
      flags: SvcFlag.PERSISTENT,
      timeout: 360,
      netmask: 0xffffff00,
      peName: 'sip',
    });
    expect(service('tcp:10.0.0.1:0', { persistent: 60, netmask: '255.255.0.0' })).toMatchObject({ timeout: 60, netmask: 0xffff0000 });
    expect(service('udp:[::1]:53', { persistent: 10, netmask: 64 }).netmask).toBe(64);
    expect(service('udp:10.0.0.1:53', { onePacket: true, scheduler: 'sh', schedFlags: ['sh-port', 'sh-fallback'] })).toMatchObject({
      scheduler: 'sh',
      flags: SvcFlag.ONEPACKET | SvcFlag.SCHED1 | SvcFlag.SCHED2,
    });
  });

  it('rejects what ipvsadm would reject, with a NotationError', () => {
    expect(() => service('tcp:10.0.0.1:80', { schedFlags: ['sh-port'] })).toThrow(NotationError);
    expect(() => service('tcp:10.0.0.1:80', { schedFlags: ['bogus'] })).toThrow(/unknown scheduler flag/);
    expect(() => service('tcp:10.0.0.1:80', { netmask: 33 })).toThrow(NotationError);
    expect(() => service('udp:[::1]:53', { netmask: '255.0.0.0' })).toThrow(NotationError);
  });
});

describe('destination builder', () => {
  it("fills ipvsadm's defaults: weight 1, direct routing", () => {
    expect(destination('10.0.0.2:80')).toEqual({
      af: AddressFamily.INET,
      address: '10.0.0.2',
      port: 80,
      fwdMethod: FwdMethod.DROUTE,
      weight: 1,
      upperThreshold: 0,
      lowerThreshold: 0,
      tunType: TunnelType.IPIP,
      tunPort: 0,
      tunFlags: TunnelFlags.NOCSUM,
    });
    expect(destination('2001:db8::2', { defaultPort: 443 })).toMatchObject({ af: AddressFamily.INET6, port: 443 });
  });

  it('takes forwarding by name or enum, thresholds and tunnels', () => {
    expect(destination('10.0.0.2:80', { forwarding: 'masq', weight: 3 })).toMatchObject({ fwdMethod: FwdMethod.MASQ, weight: 3 });
    expect(destination('10.0.0.2:80', { forwarding: FwdMethod.TUNNEL }).fwdMethod).toBe(FwdMethod.TUNNEL);
    expect(destination('10.0.0.2:80', { upperThreshold: 10, lowerThreshold: 5 })).toMatchObject({ upperThreshold: 10, lowerThreshold: 5 });
    expect(destination('10.0.0.2:80', { forwarding: 'tunnel', tunnel: { type: 'gue', port: 6080, checksum: 'remcsum' } })).toMatchObject({
      fwdMethod: FwdMethod.TUNNEL,
      tunType: TunnelType.GUE,
      tunPort: 6080,
      tunFlags: TunnelFlags.REMCSUM,
    });
    expect(() => destination('10.0.0.2:80', { forwarding: 'nat' as 'masq' })).toThrow(NotationError);
  });
});
