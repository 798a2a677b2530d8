D=/run/tsipvsadm-vm
BB=$D/busybox
R=$D/results
. $R/cfg.sh
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() {
  echo "vm-init: FATAL: $*"
  $BB sync
  $BB poweroff -f
  exit 1
}
$BB hostname "$VM_HOSTNAME"

# Kernel modules: the cached, depmod'ed tree becomes /lib/modules/<version>,
# so modprobe and the kernel's on-demand loading (request_module) work.
$BB mkdir -p "/lib/modules/$VM_KVER" || fail "mkdir /lib/modules/$VM_KVER"
$BB mount --bind "$VM_MODDIR" "/lib/modules/$VM_KVER" || fail "bind $VM_MODDIR"
[ -z "$VM_MODULES" ] || /sbin/modprobe -a $VM_MODULES || echo "vm-init: WARNING: modprobe -a $VM_MODULES failed"

# Networking: lo, and a dummy device owning the test ranges, because IPVS
# refuses real servers it cannot route as unicast.
/sbin/ip -batch - <<'EOF' || fail "network setup"
link set lo up
link add ipvs0 type dummy
link set ipvs0 up
addr add 10.255.255.254/8 dev ipvs0
addr add 172.31.255.254/12 dev ipvs0
addr add 192.168.255.254/16 dev ipvs0
addr add 2001:db8:ffff:ffff:ffff:ffff:ffff:fffe/32 dev ipvs0 nodad
addr add fdff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/8 dev ipvs0 nodad
EOF

# Name service: the host's resolver address would route into ipvs0 and every
# DNS query would wait for its timeout. Point DNS at loopback, where nothing
# listens, so look-ups fail at once; give the tests a few names of their own.
$BB rm -f /etc/resolv.conf
echo 'nameserver 127.0.0.1' >/etc/resolv.conf
cat >>/etc/hosts <<'EOF'
192.168.1.10 vip.example.test
10.0.0.2 rs-one.example.test rs-one
2001:db8::10 rs-six.example.test
10.9.8.7 a-very-long-host-name-that-ipvsadm-truncates-in-listings.example.test
EOF

# Shell start-up files: bash reads ~/.bashrc even for `bash -c` when its stdin is a socket
# (Debian builds it with SSH_SOURCE_BASHRC), and Node's piped stdio is one. The host's (this
# machine's runs pyenv's initialisation: 15-30 s a shell under emulation) is not the guest's:
# the guest's copy, in the throw-away overlay, is empty.
[ -f /root/.bashrc ] && : >/root/.bashrc

# Console: no \n -> \r\n translation on our side of the serial line.
/bin/stty -onlcr </dev/console 2>/dev/null
printf '@@TSIPVSADM-VM-BEGIN-%s@@' "$VM_NONCE" # no newline: output follows

# The command's stdout/stderr go through a FIFO so that it does not see a
# terminal; a reader copies them to the serial console.
$BB mkfifo $D/out
$BB cat $D/out >/dev/console &
reader=$!
$BB env -i /bin/sh $R/run.sh </dev/null >$D/out 2>&1
st=$?
# Background processes may still hold the FIFO open: give them a moment.
( $BB sleep 3; kill $reader 2>/dev/null ) &
watchdog=$!
wait $reader 2>/dev/null
kill $watchdog 2>/dev/null

echo "$st" >$R/status
$BB sync
/bin/stty -onlcr </dev/console 2>/dev/null # tcsetattr(TCSADRAIN) waits for the UART
printf '@@TSIPVSADM-VM-END-%s-%s@@\n' "$VM_NONCE" "$st"
/bin/stty -onlcr </dev/console 2>/dev/null
$BB poweroff -f
