#!/bin/sh
export PATH=/bin
fail() {
  echo "vm-init: FATAL: $*"
  sync
  poweroff -f
  exit 1
}
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do
  insmod "/lib/modules/$m" || fail "insmod $m"
done < /modules.list

mkdir -p /lower /upper /newroot /results
P9='trans=virtio,version=9p2000.L,msize=512000'
n=0
until mount -t 9p -o "$P9,cache=loose,ro" hostroot /lower 2>/dev/null; do
  n=$((n + 1))
  [ $n -gt 50 ] && fail "cannot mount the host root (9p tag hostroot)"
  sleep 0.1
done
mount -t 9p -o "$P9,cache=none" results /results || fail "cannot mount the results export"
[ -r /results/cfg.sh ] || fail "no /results/cfg.sh"
. /results/cfg.sh

mount -t tmpfs -o mode=755 upper /upper || fail "tmpfs"
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || fail "overlay mount"

R=/newroot
mount --move /proc $R/proc || fail "move /proc"
mount --move /sys $R/sys || fail "move /sys"
mount --move /dev $R/dev || fail "move /dev"
for d in $VM_TMPFS; do
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R$d" || fail "tmpfs on $d"
done
chmod 755 $R/run
mkdir -p $R/dev/pts $R/dev/shm $R/run/netns $R/run/lock $R/run/tsipvsadm-vm/results
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev shm $R/dev/shm
ln -sfn /proc/self/fd $R/dev/fd
ln -sfn /proc/self/fd/0 $R/dev/stdin
ln -sfn /proc/self/fd/1 $R/dev/stdout
ln -sfn /proc/self/fd/2 $R/dev/stderr
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
cp /bin/busybox /stage2.sh $R/run/tsipvsadm-vm/ || fail "copy stage 2"
mount --move /results $R/run/tsipvsadm-vm/results || fail "move results"
exec switch_root $R /run/tsipvsadm-vm/busybox sh /run/tsipvsadm-vm/stage2.sh
fail "switch_root"
