#!/bin/sh
# The tsipvsadm demo: a NAT load balancer with two real servers, built and inspected with
# tsipvsadm, with real HTTP traffic through the kernel. Everything happens in network namespaces
# of its own, so an IPVS table already on the machine is never touched. When this kernel has no
# IPVS, the demo re-runs itself inside the project's QEMU guest (test/vm/run.mjs).
set -eu
cd "$(dirname "$0")/../.."

if [ -z "${TSIPVSADM_VM:-}" ] && ! { [ -e /proc/net/ip_vs ] || modprobe -q ip_vs 2>/dev/null; }; then
  echo "This kernel has no IPVS: running the demo in a QEMU guest with Debian's kernel."
  exec node test/vm/run.mjs -- sh test/vm/demo.sh
fi
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.json

NS="demo-lb demo-client demo-rs1 demo-rs2"
cleanup() { for ns in $NS; do ip netns del "$ns" 2>/dev/null || true; done; }
trap cleanup EXIT
cleanup
for ns in $NS; do ip netns add "$ns"; ip -n "$ns" link set lo up; done

# client 10.10.1.2 — director 10.10.1.1 (the virtual address) | 10.10.2.1 — rs1 10.10.2.2
#                                                            | 10.10.3.1 — rs2 10.10.3.2
link() { # link <ns-a> <if-a> <addr-a> <ns-b> <if-b> <addr-b>
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
  ip -n "$4" addr add "$6" dev "$5" && ip -n "$4" link set "$5" up
}
link demo-client c0 10.10.1.2/24 demo-lb lb0 10.10.1.1/24
link demo-rs1 r0 10.10.2.2/24 demo-lb lb1 10.10.2.1/24
link demo-rs2 r0 10.10.3.2/24 demo-lb lb2 10.10.3.1/24
ip -n demo-rs1 route add default via 10.10.2.1
ip -n demo-rs2 route add default via 10.10.3.1
ip netns exec demo-lb sysctl -qw net.ipv4.ip_forward=1

serve() { # a tiny HTTP server that answers with its own name
  ip netns exec "$1" node -e "require('http').createServer((q,s)=>s.end('$1\n')).listen(80)" &
}
serve demo-rs1
serve demo-rs2

lb() { echo "# tsipvsadm $*"; ip netns exec demo-lb node bin/tsipvsadm "$@"; }
lb -A -t 10.10.1.1:80 -s wrr
lb -a -t 10.10.1.1:80 -r 10.10.2.2:80 -m -w 3
lb -a -t 10.10.1.1:80 -r 10.10.3.2:80 -m -w 1
lb -L -n

sleep 1
echo "# 40 HTTP requests from the client to 10.10.1.1:80"
ip netns exec demo-client node -e "
  const http = require('http');
  const get = () => new Promise((ok, ko) => http.get({ host: '10.10.1.1', port: 80, agent: false }, (r) => {
    let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => ok(b.trim()));
  }).on('error', ko));
  (async () => {
    const seen = {};
    for (let i = 0; i < 40; i++) { const who = await get(); seen[who] = (seen[who] || 0) + 1; }
    console.log('answered by:', JSON.stringify(seen));
  })().catch((e) => { console.error(e.message); process.exit(1); });
"
lb -L -n --stats
lb -L -n -c | head -6
echo "# drain rs2 (weight 0) and save the rules"
lb -e -t 10.10.1.1:80 -r 10.10.3.2:80 -m -w 0
lb -S -n
kill $(jobs -p) 2>/dev/null || true
echo "demo finished"
