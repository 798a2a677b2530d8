// One dump at a time per socket: the kernel answers EBUSY to a dump started while another is
// still open on the same socket (it stays open until its last part has been read).

import { describe, expect, it } from 'vitest';
import { GenlSocket, NLM_F_DUMP } from '../../src/netlink/genl';
import { FakeNetlink } from './fake-netlink';

describe('GenlSocket dumps', () => {
  it('sends a dump only after the previous one has finished; other requests do not wait', async () => {
    let open = 0;
    let busy = 0;
    const fake = new FakeNetlink((req) => {
      if ((req.flags & NLM_F_DUMP) === NLM_F_DUMP) {
        if (open > 0) busy++;
        open++;
        setImmediate(() => open--); // closed as its parts are delivered (the fake delivers right after)
        return { replies: [Buffer.from([0, 0, 0, 0])] };
      }
      return {};
    });
    const sock = new GenlSocket({ transport: fake });
    const family = await sock.resolveFamily('IPVS');
    const dumps = Array.from({ length: 5 }, () => sock.request(family, 8, 1, [], { dump: true }));
    const plain = sock.request(family, 5, 1, []);
    await Promise.resolve();
    // The family look-up, the first dump and the plain request, in the order asked: the other
    // dumps wait.
    expect(fake.requests.map((r) => r.cmd)).toEqual([3, 8, 5]);
    await Promise.all([...dumps, plain]);
    expect(fake.requests.filter((r) => r.cmd === 8)).toHaveLength(5);
    expect(busy).toBe(0);
    sock.close();
  });

  it('goes on with the next dump when one fails', async () => {
    let n = 0;
    const fake = new FakeNetlink(() => (n++ === 0 ? { errno: 3 } : { replies: [] }));
    const sock = new GenlSocket({ transport: fake });
    const family = await sock.resolveFamily('IPVS');
    const first = sock.request(family, 8, 1, [], { dump: true });
    const second = sock.request(family, 8, 1, [], { dump: true });
    await expect(first).rejects.toThrow();
    await expect(second).resolves.toEqual([]);
    sock.close();
  });
});
