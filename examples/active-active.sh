#!/bin/sh
# Active-active LVS: several directors side by side behind a router that spreads the VIP's flows
# over them with an ECMP multipath route. Every director loads the same rules (Maglev hashing, `mh`,
# with the source port in the hash: a flow gets the same real server whichever director it
# reaches) and runs both sync daemons, so each director also knows the others' connections and
# a flow that moves to another director (one taken out of the route) goes on.
# Forwarding is direct routing: real servers answer the clients themselves, so the return path
# need not cross the director that forwarded the flow.
#
#   active-active.sh director RULES       on each director: VIP on lo, ARP sysctls, the rules
#   active-active.sh sync DEV [SYNCID]    on each director: master and backup sync daemons on DEV
#   active-active.sh nosync               on each director: stop both sync daemons
#   active-active.sh router NEXTHOP...    on the router: the VIP's multipath route, L4 hashing
#
# VIP (default 10.1.0.100) and TSIPVSADM (default: tsipvsadm from PATH) come from the
# environment. The kernel suite runs this script as it stands (test/kernel/companions/). For real
# hosts: the router is usually a routing daemon announcing the VIP from every director (BGP,
# OSPF), which withdraws a failed director's route by itself; real servers need the VIP on lo
# with arp_ignore=1 / arp_announce=2, and every director must list the real servers in the same
# order with the same weights (the Maglev table is built from that list).
set -eu
VIP=${VIP:-10.1.0.100}
TSIPVSADM=${TSIPVSADM:-tsipvsadm}
cmd=${1:-}
[ $# -gt 0 ] && shift

case "$cmd" in
director)
    rules=$1
    ip addr replace "$VIP/32" dev lo
    # the VIP on lo must not be announced on the LAN (the router routes it, it never ARPs for it)
    echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
    echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
    # one run: clear the table (the script can be run again), then the rules
    { echo -C; cat "$rules"; } | "$TSIPVSADM" -R
    ;;
sync)
    dev=$1
    syncid=${2:-60}
    "$TSIPVSADM" --start-daemon master --mcast-interface "$dev" --syncid "$syncid"
    "$TSIPVSADM" --start-daemon backup --mcast-interface "$dev" --syncid "$syncid"
    ;;
nosync)
    "$TSIPVSADM" --stop-daemon master
    "$TSIPVSADM" --stop-daemon backup
    ;;
router)
    # hash flows on addresses and ports (policy 1), not on addresses only
    echo 1 > /proc/sys/net/ipv4/fib_multipath_hash_policy
    nexthops=
    for nh in "$@"; do nexthops="$nexthops nexthop via $nh"; done
    # shellcheck disable=SC2086
    ip route replace "$VIP/32" $nexthops
    ;;
*)
    echo "usage: $0 director RULES | sync DEV [SYNCID] | nosync | router NEXTHOP..." >&2
    exit 2
    ;;
esac
