#!/usr/bin/env node
// The client's own cost per request, on the host (no guest, no IPVS needed): N generic-netlink
// family look-ups ("nlctrl"), one after another, each a request, a reply and an acknowledgement,
// as a listing's destination dump is. Timed for a C loop (send, recv until the ACK) and for
// tsipvsadm's GenlSocket over node-netlink (dist/, from `npm run build`). The difference is what
// node, node-netlink's binding and our JavaScript add per request; the guest's listings pay it
// once per service. `node --jitless test/bench/host-roundtrip.mjs` gives ratios closer to the
// emulated guest's, where little code gets optimised.
//   node test/bench/host-roundtrip.mjs [N]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const n = Number(process.argv[2] ?? 5000);
// The C side is floor.c's --lookups mode: the same request, with next to no user-space work.
const floorBin = join(root, '.cache/bench/floor');
mkdirSync(dirname(floorBin), { recursive: true });
let cMs;
if (spawnSync('cc', ['-O2', '-o', floorBin, join(root, 'test/bench/floor.c')], { stdio: 'inherit' }).status === 0) {
  const m = /^LOOKUPS \d+ ([\d.]+)$/m.exec(spawnSync(floorBin, ['--lookups', String(n)], { encoding: 'utf8' }).stdout);
  if (m) cMs = Number(m[1]) * 1000;
}

const { GenlSocket, encodeAttr } = createRequire(import.meta.url)(join(root, 'dist/src/netlink/genl.js'));
const sock = new GenlSocket();
const attr = encodeAttr(2, Buffer.from('nlctrl\0'));
for (let i = 0; i < 200; i++) await sock.request(16, 3, 1, attr); // the same warm-up for every run
const t0 = performance.now();
for (let i = 0; i < n; i++) await sock.request(16, 3, 1, attr);
const nodeMs = performance.now() - t0;
sock.close();

const us = (ms) => `${((ms / n) * 1000).toFixed(1)} µs`;
console.log(`${n} sequential request/reply/ACK round trips (generic-netlink family look-ups) on this host:`);
if (cMs !== undefined) console.log(`  C loop:                        ${us(cMs)} each`);
console.log(`  tsipvsadm GenlSocket (node):   ${us(nodeMs)} each${cMs !== undefined ? ` (${(nodeMs / cMs).toFixed(1)}× the C loop)` : ''}`);
