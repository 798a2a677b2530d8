// The generic-netlink layer and the client against a scripted fake kernel: sequence matching,
// many requests in flight, errno mapping, interrupted dumps, timeouts.

import { describe, expect, it } from 'vitest';
import { AttrWriter, DumpInterruptedError, GenlSocket, NetlinkError, NetlinkTimeoutError, encodeAttr, iterAttrs } from '../../src/netlink/genl';
import { IpvsClient, IpvsError, IpvsTimeoutError } from '../../src/ipvs/client';
import { IpvsCommand } from '../../src/ipvs/constants';
import { FAKE_FAMILY, FakeNetlink, type FakeRequest } from './fake-netlink';

/** The u32 value of attribute 1 of a request: the tests' request id. */
const idOf = (req: FakeRequest) => [...iterAttrs(req.attrs)][0]?.[1].readUInt32LE(0);
const u32Attr = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return encodeAttr(1, b);
};
const echo = (req: FakeRequest) => ({ replies: [Buffer.concat(u32Attr(idOf(req) * 10))] });
const replyIds = (msgs: { payload: Buffer }[]) => msgs.map((m) => [...iterAttrs(m.payload)][0][1].readUInt32LE(0));

describe('GenlSocket', () => {
  it('resolves a family and sends requests with the port, flags and a fresh sequence number', async () => {
    const fake = new FakeNetlink(echo);
    const sock = new GenlSocket({ transport: fake });
    expect(await sock.resolveFamily('IPVS')).toBe(FAKE_FAMILY);
    await sock.request(FAKE_FAMILY, 7, 1, u32Attr(1));
    const [look, req] = fake.requests;
    expect(look.cmd).toBe(3);
    expect(req).toMatchObject({ family: FAKE_FAMILY, cmd: 7, version: 1, flags: 0x5 });
    expect(req.seq).not.toBe(look.seq);
    sock.close();
    expect(fake.closed).toBe(true);
  });

  it('matches many requests in flight to their own answers', async () => {
    const fake = new FakeNetlink(echo);
    const sock = new GenlSocket({ transport: fake });
    const ids = Array.from({ length: 200 }, (_, i) => i + 1);
    const answers = await Promise.all(ids.map((id) => sock.request(FAKE_FAMILY, 1, 1, u32Attr(id))));
    expect(answers.map((a) => replyIds(a)[0])).toEqual(ids.map((id) => id * 10));
    expect(sock.inFlight).toBe(0);
    expect(fake.refs).toBe(1); // referenced while answers were due...
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.refs).toBe(0); // ...and released once no next request followed
    sock.close();
  });

  it('keeps the socket referenced across back-to-back requests instead of releasing it each time', async () => {
    const fake = new FakeNetlink(echo);
    let calls = 0;
    const ref = fake.ref.bind(fake);
    const unref = fake.unref.bind(fake);
    fake.ref = () => (calls++, ref());
    fake.unref = () => (calls++, unref());
    const sock = new GenlSocket({ transport: fake });
    for (let id = 1; id <= 20; id++) expect(replyIds(await sock.request(FAKE_FAMILY, 1, 1, u32Attr(id)))).toEqual([id * 10]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.refs).toBe(0);
    // The constructor's unref, then one ref for the first request and one unref after the last.
    expect(calls).toBe(3);
    sock.close();
  });

  it('ignores messages for sequence numbers it did not send', async () => {
    const fake = new FakeNetlink(echo);
    const sock = new GenlSocket({ transport: fake });
    const p = sock.request(FAKE_FAMILY, 1, 1, u32Attr(5));
    const stranger = Buffer.alloc(36);
    stranger.writeUInt32LE(36, 0);
    stranger.writeUInt16LE(2, 4);
    stranger.writeUInt32LE(0xdeadbeef, 8);
    stranger.writeInt32LE(-1, 16);
    fake.emit('message', stranger);
    expect(replyIds(await p)).toEqual([50]);
    sock.close();
  });

  it('maps a refusal to NetlinkError with errno and code', async () => {
    const fake = new FakeNetlink((req) => (idOf(req) === 2 ? { errno: 17 } : {}));
    const sock = new GenlSocket({ transport: fake });
    const results = await Promise.allSettled([1, 2, 3].map((id) => sock.request(FAKE_FAMILY, 1, 1, u32Attr(id))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ name: 'NetlinkError', errno: 17, code: 'EEXIST' });
    sock.close();
  });

  it('collects the parts of a dump and rejects one marked NLM_F_DUMP_INTR with what it got', async () => {
    const parts = [1, 2, 3].map((v) => Buffer.concat(u32Attr(v)));
    const fake = new FakeNetlink((req) => ({ replies: parts, interrupted: idOf(req) === 9 }));
    const sock = new GenlSocket({ transport: fake });
    expect(replyIds(await sock.request(FAKE_FAMILY, 1, 1, u32Attr(1), { dump: true }))).toEqual([1, 2, 3]);
    expect(fake.requests[0].flags & 0x300).toBe(0x300);
    const err = await sock.request(FAKE_FAMILY, 1, 1, u32Attr(9), { dump: true }).catch((e) => e);
    expect(err).toBeInstanceOf(DumpInterruptedError);
    expect(replyIds(err.partial)).toEqual([1, 2, 3]);
    sock.close();
  });

  it('sends one dump at a time (the kernel refuses a second with EBUSY), other requests meanwhile', async () => {
    const fake = new FakeNetlink((req) => ({ replies: [Buffer.concat(u32Attr(idOf(req)))] }));
    const sock = new GenlSocket({ transport: fake });
    const a = sock.request(FAKE_FAMILY, 1, 1, u32Attr(1), { dump: true });
    const b = sock.request(FAKE_FAMILY, 1, 1, u32Attr(2), { dump: true });
    const c = sock.request(FAKE_FAMILY, 1, 1, u32Attr(3));
    const d = sock.request(FAKE_FAMILY, 1, 1, u32Attr(4), { dump: true });
    expect(fake.requests.map(idOf)).toEqual([1, 3]);
    expect((await Promise.all([a, b, c, d])).map(replyIds)).toEqual([[1], [2], [3], [4]]);
    expect(fake.requests.map(idOf)).toEqual([1, 3, 2, 4]);
    const e = sock.request(FAKE_FAMILY, 1, 1, u32Attr(5), { dump: true });
    const f = sock.request(FAKE_FAMILY, 1, 1, u32Attr(6), { dump: true });
    sock.close();
    await expect(e).rejects.toThrow('closed');
    await expect(f).rejects.toThrow('closed');
  });

  it('fails a request the kernel never answers after the timeout, naming it, and goes on', async () => {
    const fake = new FakeNetlink((req) => (idOf(req) === 1 ? 'silent' : echo(req)));
    const sock = new GenlSocket({ transport: fake, timeoutMs: 40 });
    const started = Date.now();
    const err = await sock.request(FAKE_FAMILY, 1, 1, u32Attr(1), { label: 'add_service' }).catch((e) => e);
    expect(err).toBeInstanceOf(NetlinkTimeoutError);
    expect(err.name).toBe('NetlinkTimeoutError');
    expect(err.message).toBe('no answer from the kernel to add_service within 40 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(replyIds(await sock.request(FAKE_FAMILY, 1, 1, u32Attr(2)))).toEqual([20]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.refs).toBe(0);
    sock.close();
  });

  it('does not time out requests that are answered, however many', async () => {
    const fake = new FakeNetlink(echo);
    const sock = new GenlSocket({ transport: fake, timeoutMs: 1000 });
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => sock.request(FAKE_FAMILY, 1, 1, u32Attr(i))));
    }
    sock.close();
  });

  it('rejects every request in flight when the socket is closed or the send fails', async () => {
    const fake = new FakeNetlink(() => 'silent');
    const sock = new GenlSocket({ transport: fake });
    fake.sendError = Object.assign(new Error('sendmsg ENOBUFS'), { errno: 105 });
    await expect(sock.request(FAKE_FAMILY, 1, 1, [])).rejects.toThrow('ENOBUFS');
    const p = sock.request(FAKE_FAMILY, 1, 1, []);
    sock.close();
    await expect(p).rejects.toThrow('netlink socket closed');
  });

  it('refuses a negative timeout', () => {
    expect(() => new GenlSocket({ transport: new FakeNetlink(), timeoutMs: -1 })).toThrow(RangeError);
  });
});

describe('IpvsClient over an injected socket', () => {
  it('turns a refusal into IpvsError naming the operation', async () => {
    const fake = new FakeNetlink((req) => (req.cmd === IpvsCommand.FLUSH ? { errno: 1 } : {}));
    const client = await IpvsClient.open({ socket: fake });
    const err = await client.flush().catch((e) => e);
    expect(err).toBeInstanceOf(IpvsError);
    expect(err).toMatchObject({ operation: 'flush', errno: 1, code: 'EPERM' });
    client.close();
  });

  it('turns a missing answer into IpvsTimeoutError naming the operation', async () => {
    const fake = new FakeNetlink(() => 'silent');
    const client = await IpvsClient.open({ socket: fake, timeoutMs: 30 });
    const err = await client.flush().catch((e) => e);
    expect(err).toBeInstanceOf(IpvsTimeoutError);
    expect(err).toMatchObject({ name: 'IpvsTimeoutError', operation: 'flush', timeoutMs: 30 });
    expect(err.message).toBe('IPVS flush: no answer from the kernel within 30 ms');
    client.close();
  });

  it('fails open() with IpvsError(init) when the family look-up is not answered', async () => {
    const fake = new FakeNetlink();
    fake.sendError = Object.assign(new Error('sendmsg EPERM'), { errno: 1, code: 'EPERM' });
    await expect(IpvsClient.open({ socket: fake })).rejects.toMatchObject({ operation: 'init', errno: 1 });
    expect(fake.closed).toBe(true);
  });
});

describe('AttrWriter', () => {
  it('keeps every value when the stream outgrows its first buffer, whichever writer grew it', () => {
    const w = new AttrWriter();
    const blob = Buffer.alloc(37, 0xab);
    for (let i = 0; i < 60; i++) {
      w.u8(1, i).u16(2, 0x1234).be16(3, 0x1234).u32(4, 0xdeadbeef).be32(5, 0xdeadbeef).bytes(6, blob).string(7, 'wlc');
    }
    const out = Buffer.concat(w.done());
    expect(out.length).toBeGreaterThan(256 * 8);
    let n = 0;
    for (const [type, value] of iterAttrs(out)) {
      const want: Record<number, string> = { 1: Buffer.from([(n / 7) | 0]).toString('hex'), 2: '3412', 3: '1234', 4: 'efbeadde', 5: 'deadbeef', 6: blob.toString('hex'), 7: '776c6300' };
      expect([type, value.toString('hex')]).toEqual([type, want[type]]);
      n++;
    }
    expect(n).toBe(60 * 7);
  });
});
