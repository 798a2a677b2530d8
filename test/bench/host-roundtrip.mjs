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
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const n = Number(process.argv[2] ?? 5000);
const C = `#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
int main(int argc, char **argv) {
  int n = atoi(argv[1]), s = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  struct sockaddr_nl a = { .nl_family = AF_NETLINK };
  if (s < 0 || bind(s, (void *)&a, sizeof a)) { perror("socket"); return 1; }
  static unsigned char msg[64], buf[65536];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < n; i++) {
    memset(msg, 0, sizeof msg);
    struct nlmsghdr *h = (void *)msg;
    h->nlmsg_type = GENL_ID_CTRL; h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; h->nlmsg_seq = i + 1;
    struct genlmsghdr *g = (void *)(msg + NLMSG_HDRLEN); g->cmd = CTRL_CMD_GETFAMILY; g->version = 1;
    struct nlattr *at = (void *)(msg + NLMSG_HDRLEN + GENL_HDRLEN);
    at->nla_type = CTRL_ATTR_FAMILY_NAME; at->nla_len = NLA_HDRLEN + 7; memcpy(at + 1, "nlctrl", 7);
    h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(at->nla_len);
    if (send(s, msg, h->nlmsg_len, 0) < 0) { perror("send"); return 1; }
    for (int acked = 0; !acked;) {
      ssize_t r = recv(s, buf, sizeof buf, 0);
      if (r < 0) { perror("recv"); return 1; }
      for (struct nlmsghdr *m = (void *)buf; NLMSG_OK(m, r); m = NLMSG_NEXT(m, r)) acked |= m->nlmsg_type == NLMSG_ERROR;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%.3f\\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  return 0;
}
`;

const cache = join(root, '.cache/bench');
mkdirSync(cache, { recursive: true });
writeFileSync(join(cache, 'roundtrip.c'), C);
let cMs;
if (spawnSync('cc', ['-O2', '-o', join(cache, 'roundtrip'), join(cache, 'roundtrip.c')], { stdio: 'inherit' }).status === 0) {
  cMs = Number(spawnSync(join(cache, 'roundtrip'), [String(n)], { encoding: 'utf8' }).stdout);
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
