import { describe, expect, it } from 'vitest';
import { GenlSocket } from '../../src/netlink/genl';
import { openNetlinkSocket } from '../../src/netlink/native-socket';

// The host's own kernel answers these: generic netlink's controller exists wherever Linux does,
// IPVS or not.
describe('openNetlinkSocket (node-netlink binding loaded by path)', () => {
  it('opens a generic-netlink socket the kernel answers on, with a port id of its own', async () => {
    const transport = openNetlinkSocket(16, { recvBufferSize: 1 << 16, sendBufferSize: 1 << 16 });
    // node-netlink ships a prebuilt binding for linux-x64, where this runs: found by path.
    expect(transport.constructor.name).toBe('NativeTransport');
    const a = new GenlSocket({ transport });
    const b = new GenlSocket();
    try {
      expect(await a.resolveFamily('nlctrl')).toBe(16); // GENL_ID_CTRL
      expect(await b.resolveFamily('nlctrl')).toBe(16);
      expect(a.portId).not.toBe(b.portId);
      expect(a.portId).toBeGreaterThan(0);
    } finally {
      a.close();
      b.close();
    }
  });

  it('falls back to node-netlink\'s RawNetlinkSocket when no prebuilt binding is found', async () => {
    const raw = openNetlinkSocket(16, { recvBufferSize: 1 << 16, sendBufferSize: 1 << 16 }, null);
    expect(raw.constructor.name).toBe('RawNetlinkSocket');
    const s = new GenlSocket({ transport: raw });
    try {
      expect(await s.resolveFamily('nlctrl')).toBe(16);
    } finally {
      s.close();
    }
  });

  it('reports a family the kernel does not have as ENOENT', async () => {
    const s = new GenlSocket();
    try {
      await expect(s.resolveFamily('no-such-family')).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      s.close();
    }
  });
});
