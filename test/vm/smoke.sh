#!/bin/sh
# In-guest smoke test proving the VM harness works:
#   node test/vm/run.mjs -- sh test/vm/smoke.sh
# Prints what it checks; exits non-zero if anything failed.

failed=0
check() {
  desc=$1
  shift
  echo "--- $desc"
  if "$@"; then
    echo "ok: $desc"
  else
    echo "FAIL: $desc (exit $?)"
    failed=$((failed + 1))
  fi
}

echo "kernel: $(uname -r)"
check "running in the harness guest" test "${TSIPVSADM_VM:-}" = 1

check "IPv4 virtual service with a masqueraded real server" \
  sh -c 'ipvsadm -A -t 10.0.0.1:80 -s rr && ipvsadm -a -t 10.0.0.1:80 -r 10.0.0.2 -m && ipvsadm -Ln'
check "ipvsadm -Ln lists the real server" sh -c 'ipvsadm -Ln | grep -q "10.0.0.2:80 *Masq"'
check "IPv6 virtual service" \
  sh -c 'ipvsadm -A -t [2001:db8::1]:443 -s wlc && ipvsadm -a -t [2001:db8::1]:443 -r [2001:db8::2]:443 -g'
for s in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh; do
  check "scheduler $s" ipvsadm -E -t 10.0.0.1:80 -s "$s"
done
check "clear the table" ipvsadm -C

check "node runs" node -e 'console.log(process.version)'
check "network namespace with a veth pair" sh -c '
  ip netns add t1 &&
  ip link add vh type veth peer name vg netns t1 &&
  ip netns exec t1 ip link &&
  ip netns del t1'
check "the work tree is writable (changes stay in the guest)" \
  sh -c 'f=.vm-smoke-$$ && echo x >"$f" && rm "$f"'

if [ "$failed" -ne 0 ]; then
  echo "smoke: $failed check(s) FAILED"
  exit 1
fi
echo "smoke: all checks passed"
