// Debian packages the harness installs on the host when missing (the guest sees them through
// the overlay): package name -> a file that proves it is usable. Tests that need a Debian tool
// add its package here, never install it by hand.
export const HOST_PACKAGES = {
  'qemu-system-x86': '/usr/bin/qemu-system-x86_64',
  'busybox-static': '/bin/busybox',
  cpio: '/usr/bin/cpio',
  kmod: '/sbin/modprobe',
  'xz-utils': '/usr/bin/xz', // to unpack the kernel image once (see kernel.mjs)
  ipvsadm: '/sbin/ipvsadm',
  iproute2: '/sbin/ip',
  tmux: '/usr/bin/tmux', // `top` under a pseudo-terminal
  zsh: '/usr/bin/zsh', // syntax check of the generated completion script
  fish: '/usr/bin/fish', // likewise
  keepalived: '/usr/sbin/keepalived', // test/kernel/companions: VRRP, health checks, lvs_sync_daemon
  ldirectord: '/usr/sbin/ldirectord', // test/kernel/companions: runs ipvsadm (Perl; its HTTP checks need libwww-perl, a dependency)
};
