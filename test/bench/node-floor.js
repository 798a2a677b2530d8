#!/usr/bin/env node
'use strict';
// The Node floor of a bench row: the least a JavaScript command over node-netlink (the socket
// this project is held to) can take for the row's kernel work. It mirrors floor.c's modes and
// requests and is timed as a whole process, Node's own start included:
//
//   node node-floor.js SERVICES DESTS           the requests of a restore of rules(), 32 to a
//                                               datagram with NLM_F_ACK on the last (as the
//                                               client's batch sends them), up to 128 datagrams
//                                               in flight (the client keeps 128 requests)
//   node node-floor.js --read [CHANGE_EVERY]    one service dump, then one destination dump per
//                                               service on one socket; with CHANGE_EVERY, then
//                                               the edits of rules(.., CHANGE_EVERY), batched
//
// No parsing, no decoding beyond a service's identity, no output formatting: what is left is
// Node's start, node-netlink's cost per datagram and the kernel's time. Prints one line,
// "NODE_FLOOR <requests or dumps> <seconds after start-up>"; any refusal ends it with status 1.
// Constants are linux/ip_vs.h's, linux/netlink.h's and linux/genetlink.h's.

const path = require('node:path');

const NETLINK_GENERIC = 16;
const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_ATTR_FAMILY_ID = 1;
const CTRL_ATTR_FAMILY_NAME = 2;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLM_F_DUMP = 0x300;
const NLM_F_DUMP_INTR = 0x10;
const NLA_F_NESTED = 0x8000;
const CMD = { NEW_SERVICE: 1, SET_SERVICE: 2, GET_SERVICE: 4, NEW_DEST: 5, SET_DEST: 6, GET_DEST: 8 };
const ATTR_SERVICE = 1;
const ATTR_DEST = 2;
const SVC = { AF: 1, PROTOCOL: 2, ADDR: 3, PORT: 4, FWMARK: 5, SCHED: 6, FLAGS: 7, TIMEOUT: 8, NETMASK: 9 };
const DEST = { ADDR: 1, PORT: 2, FWD: 3, WEIGHT: 4, U_THRESH: 5, L_THRESH: 6 };
const PER_DATAGRAM = 32;
/** Datagrams sent and not yet acknowledged, at most: more than the client allows, never fewer. */
const DATAGRAMS_IN_FLIGHT = 128;

function fail(text) {
  process.stderr.write(`node-floor: ${text}\n`);
  process.exit(1);
}

// node-netlink's prebuilt binding, loaded by path as src/netlink/native-socket.ts does.
const root = path.join(__dirname, '..', '..');
const pkg = path.dirname(require.resolve('netlink/package.json', { paths: [root] }));
const { NativeNetlink } = require(path.join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.node'));

let onMessage = () => {};
const sock = new NativeNetlink(NETLINK_GENERIC, 0, (data) => onMessage(data), (err) => fail(err.message));
sock.setRecvBufferSize(4 << 20);
sock.setSendBufferSize(1 << 20);
sock.bind(0, 0);
sock.ref();
const port = sock.address().port;
let seq = 1;

/** Messages written one after another into one datagram buffer. */
class Datagram {
  constructor() {
    this.buf = Buffer.alloc(1 << 16);
    this.off = 0;
  }
  begin(type, flags, cmd) {
    this.start = this.off;
    const b = this.buf;
    b.writeUInt16LE(type, this.off + 4);
    b.writeUInt16LE(NLM_F_REQUEST | flags, this.off + 6);
    b.writeUInt32LE(seq++, this.off + 8);
    b.writeUInt32LE(port, this.off + 12);
    b[this.off + 16] = cmd;
    b[this.off + 17] = 1;
    b.writeUInt16LE(0, this.off + 18);
    this.off += 20;
  }
  end() {
    this.buf.writeUInt32LE(this.off - this.start, this.start);
  }
  attr(type, size) {
    this.buf.writeUInt16LE(4 + size, this.off);
    this.buf.writeUInt16LE(type, this.off + 2);
    this.buf.fill(0, this.off + 4, this.off + ((4 + size + 3) & ~3));
    const at = this.off + 4;
    this.off += (4 + size + 3) & ~3;
    return at;
  }
  u16(type, v) { this.buf.writeUInt16LE(v, this.attr(type, 2)); }
  be16(type, v) { this.buf.writeUInt16BE(v, this.attr(type, 2)); }
  u32(type, v) { this.buf.writeUInt32LE(v, this.attr(type, 4)); }
  bytes(type, bytes) { this.buf.set(bytes, this.attr(type, bytes.length)); }
  nest(type, fill) {
    const at = this.off;
    this.off += 4;
    fill();
    this.buf.writeUInt16LE(this.off - at, at);
    this.buf.writeUInt16LE(type | NLA_F_NESTED, at + 2);
  }
  take() {
    const out = Buffer.from(this.buf.subarray(0, this.off));
    this.off = 0;
    return out;
  }
}

// rules()' service s (10.(1+s>>16).(s>>8).(s&255):80, TCP) and real server d (10.200.x.y:80, NAT).
function service(dg, s, sched) {
  dg.nest(ATTR_SERVICE, () => {
    dg.u16(SVC.AF, 2);
    dg.u16(SVC.PROTOCOL, 6);
    dg.bytes(SVC.ADDR, [10, 1 + (s >> 16), (s >> 8) & 255, s & 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    dg.be16(SVC.PORT, 80);
    if (sched) {
      dg.bytes(SVC.SCHED, [...Buffer.from(sched), 0]);
      dg.bytes(SVC.FLAGS, [0, 0, 0, 0, 255, 255, 255, 255]);
      dg.u32(SVC.TIMEOUT, 0);
      dg.u32(SVC.NETMASK, 0xffffffff);
    }
  });
}
function dest(dg, d, weight) {
  dg.nest(ATTR_DEST, () => {
    dg.bytes(DEST.ADDR, [10, 200, d >> 8, (d & 255) + 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    dg.be16(DEST.PORT, 80);
    dg.u32(DEST.FWD, 0);
    dg.u32(DEST.WEIGHT, weight);
    dg.u32(DEST.U_THRESH, 0);
    dg.u32(DEST.L_THRESH, 0);
  });
}

/** Each netlink message of a datagram: (type, flags, offset, length). */
function eachMessage(data, fn) {
  for (let off = 0; off + 16 <= data.length; ) {
    const len = data.readUInt32LE(off);
    if (len < 16) fail('malformed reply');
    fn(data.readUInt16LE(off + 4), data.readUInt16LE(off + 6), off, len);
    off += (len + 3) & ~3;
  }
}
/** Each attribute in [from, to): (type, value offset, value end). */
function eachAttr(data, from, to, fn) {
  for (let off = from; off + 4 <= to; ) {
    const len = data.readUInt16LE(off);
    if (len < 4) break;
    fn(data.readUInt16LE(off + 2) & 0x3fff, off + 4, off + len);
    off += (len + 3) & ~3;
  }
}
const errorOf = (data, off) => data.readInt32LE(off + 16);

/** Send `requests` (each writes one message given its flags), batched; resolves when all are acknowledged. */
function sendBatched(family, requests) {
  return new Promise((resolve) => {
    let next = 0;
    let unanswered = 0;
    const dg = new Datagram();
    const pump = () => {
      while (next < requests.length && unanswered < DATAGRAMS_IN_FLIGHT) {
        const n = Math.min(PER_DATAGRAM, requests.length - next);
        for (let i = 0; i < n; i++) requests[next + i](dg, family, i === n - 1 ? NLM_F_ACK : 0);
        next += n;
        unanswered++;
        sock.send(0, 0, [dg.take()], (err) => err && fail(err.message));
      }
      if (next === requests.length && unanswered === 0) resolve(requests.length);
    };
    onMessage = (data) => {
      eachMessage(data, (type, _flags, off) => {
        if (type !== NLMSG_ERROR) return;
        if (errorOf(data, off)) fail(`request ${data.readUInt32LE(off + 8)} refused: errno ${-errorOf(data, off)}`);
        unanswered--; // only a datagram's last request asks for an acknowledgement
      });
      pump();
    };
    pump();
  });
}

/** One datagram buffer for single requests (take() copies out what is sent). */
const request = new Datagram();

/**
 * Send one dump request; `each` gets every entry's (data, offset, length), `done` runs at
 * NLMSG_DONE. Callbacks, not a promise: the destination dumps chain through `done`, the least
 * JavaScript per dump.
 */
function startDump(family, cmd, identity, each, done) {
  onMessage = (data) => {
    eachMessage(data, (type, flags, off, len) => {
      if (flags & NLM_F_DUMP_INTR) fail('dump interrupted');
      if (type === NLMSG_ERROR) fail(`dump refused: errno ${-errorOf(data, off)}`);
      else if (type === NLMSG_DONE) done();
      else each(data, off, len);
    });
  };
  request.begin(family, NLM_F_DUMP, cmd);
  if (identity) request.bytes(ATTR_SERVICE | NLA_F_NESTED, identity);
  request.end();
  sock.send(0, 0, [request.take()], (err) => err && fail(err.message));
}

function resolveFamily() {
  return new Promise((resolve) => {
    onMessage = (data) =>
      eachMessage(data, (type, _flags, off, len) => {
        if (type === NLMSG_ERROR) fail('no IPVS family');
        eachAttr(data, off + 20, off + len, (t, at) => t === CTRL_ATTR_FAMILY_ID && resolve(data.readUInt16LE(at)));
      });
    request.begin(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
    request.bytes(CTRL_ATTR_FAMILY_NAME, [...Buffer.from('IPVS'), 0]);
    request.end();
    sock.send(0, 0, [request.take()], (err) => err && fail(err.message));
  });
}

async function write(family, services, dests) {
  const requests = [];
  for (let s = 0; s < services; s++) {
    requests.push((dg, fam, flags) => {
      dg.begin(fam, flags, CMD.NEW_SERVICE);
      service(dg, s, 'wlc');
      dg.end();
    });
    for (let d = 0; d < dests; d++) {
      requests.push((dg, fam, flags) => {
        dg.begin(fam, flags, CMD.NEW_DEST);
        service(dg, s, null);
        dest(dg, d, 1);
        dg.end();
      });
    }
  }
  return `${await sendBatched(family, requests)}`;
}

async function read(family, changeEvery) {
  const seen = []; // { identity: the service's identity attributes, index: s in rules() or -1, dests }
  const keepService = (data, off, len) =>
    eachAttr(data, off + 20, off + len, (type, from, to) => {
      if (type !== ATTR_SERVICE) return;
      const parts = [];
      let index = -1;
      eachAttr(data, from, to, (t, at, end) => {
        if (t < SVC.AF || t > SVC.FWMARK) return;
        parts.push(data.subarray(at - 4, at + ((end - at + 7) & ~3) - 4));
        if (t === SVC.ADDR && data[at] === 10 && data[at + 1] >= 1) index = ((data[at + 1] - 1) << 16) | (data[at + 2] << 8) | data[at + 3];
      });
      seen.push({ identity: Buffer.concat(parts), index, dests: 0 });
    });
  await new Promise((resolve) => startDump(family, CMD.GET_SERVICE, null, keepService, resolve));
  // One destination dump after another, each started from the one before's NLMSG_DONE.
  await new Promise((resolve) => {
    let next = 0;
    const countDest = () => seen[next].dests++;
    const sendNext = () => {
      if (next === seen.length) return resolve();
      startDump(family, CMD.GET_DEST, seen[next].identity, countDest, () => {
        next++;
        sendNext();
      });
    };
    sendNext();
  });
  const dumps = 1 + seen.length;
  const edits = [];
  for (const svc of changeEvery > 0 ? seen : []) {
    if (svc.index < 0 || svc.index % changeEvery) continue;
    edits.push((dg, fam, flags) => {
      dg.begin(fam, flags, CMD.SET_SERVICE);
      service(dg, svc.index, 'wrr');
      dg.end();
    });
    for (let d = 0; d < svc.dests; d++) {
      edits.push((dg, fam, flags) => {
        dg.begin(fam, flags, CMD.SET_DEST);
        service(dg, svc.index, null);
        dest(dg, d, 2);
        dg.end();
      });
    }
  }
  if (edits.length) await sendBatched(family, edits);
  return `${dumps} ${seen.reduce((n, s) => n + s.dests, 0)} ${edits.length}`;
}

async function main() {
  const args = process.argv.slice(2);
  const isRead = args[0] === '--read';
  if (isRead ? args.length > 2 : args.length !== 2) {
    process.stderr.write('usage: node node-floor.js SERVICES DESTS | --read [CHANGE_EVERY]\n');
    process.exit(2);
  }
  const t0 = process.hrtime.bigint();
  const family = await resolveFamily();
  const counts = isRead ? await read(family, Number(args[1] ?? 0)) : await write(family, Number(args[0]), Number(args[1]));
  console.log(`NODE_FLOOR ${counts} ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3)}`);
  sock.close();
}

main().catch((err) => fail(err.stack ?? String(err)));
