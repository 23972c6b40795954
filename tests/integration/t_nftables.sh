# SPDX-License-Identifier: ISC
# portcomplyd --export nftables against the kernel: nft -c accepts the
# ruleset of the example and of a fixture with every kind of port; loaded
# behind a site chain with a drop policy, it lets through exactly the
# ports --expected lists, each where its peers are: a packet from another
# namespace reaches every listen port (first and last of a range) at its
# address and family, and is dropped next to it, at the wrong address, on
# a port whose peers are local (which the loopback reaches).
#
# This namespace is the host (192.0.2.1 and the bound role's 192.0.2.7,
# 2001:db8::1); a second one, held by a process of this test, is the peer,
# joined by a veth pair. Nothing else exists.
. "$PC_ROOT/tests/integration/lib.sh"

FIXTURE=$PC_ROOT/tests/fixtures/export/host.conf

# The shipped example and the fixture: the syntax nft accepts.
for conf in "$PC_ROOT/conf/portcomply.conf" "$FIXTURE"; do
	"$PC_DAEMON" --export nftables -c "$conf" >"$PC_TMP/check.nft" 2>"$PC_TMP/export.err" ||
		fail "--export nftables -c $conf: $(cat "$PC_TMP/export.err")"
	nft -c -f "$PC_TMP/check.nft" || fail "nft -c rejects the export of $conf"
done

# ---- the host and its peer ----

start_bg PEER_PID unshare --net -- sleep 100000
peer_ns() { [ "$(readlink "/proc/$PEER_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ]; }
wait_for 5 "the peer's namespace" peer_ns
in_peer() { nsenter -t "$PEER_PID" -n -- "$@"; }
ip link add host0 type veth peer name peer0 netns "$PEER_PID"
ip addr add 192.0.2.1/24 dev host0
ip addr add 192.0.2.7/24 dev host0
ip addr add 2001:db8::1/64 dev host0 nodad
ip link set host0 up
in_peer ip link set lo up
in_peer ip addr add 192.0.2.2/24 dev peer0
in_peer ip addr add 2001:db8::2/64 dev peer0 nodad
in_peer ip link set peer0 up
wait_for 10 "the link to the peer" in_peer ping -c 1 -W 1 192.0.2.1

# ---- the export, hooked by a site chain with its own policy ----

"$PC_DAEMON" --export nftables -c "$FIXTURE" >"$PC_TMP/portcomply.nft"
cat >"$PC_TMP/site.nft" <<EOF
flush ruleset
include "$PC_TMP/portcomply.nft"
table inet portcomply {
	counter dropped {}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		meta l4proto { icmp, ipv6-icmp } accept
		iif "lo" jump allow
		iif "lo" meta l4proto { tcp, udp } counter name "dropped" drop
		iif "lo" accept
		jump allow
		meta l4proto { tcp, udp } counter name "dropped" drop
	}
}
EOF
nft -f "$PC_TMP/site.nft" || fail "nft does not load the export behind the site's chain"

dropped() {
	nft list counter inet portcomply dropped | awk '$1 == "packets" { print $2 }'
}

# probe FROM PROTO ADDRESS PORT: one packet (a SYN, a datagram) from the
# peer (FROM=peer) or from the host itself over the loopback (FROM=lo);
# prints accepted or dropped, by the site chain's drop counter.
probe() {
	local from=$1 proto=$2 addr=$3 port=$4 before after run=()
	[ "$from" = peer ] && run=(nsenter -t "$PEER_PID" -n --)
	before=$(dropped)
	if [ "$proto" = tcp ]; then
		# Accepted: the kernel answers RST at once (nobody listens).
		"${run[@]}" timeout 0.5 bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null || true
	else
		"${run[@]}" bash -c "echo probe >/dev/udp/$addr/$port" 2>/dev/null || true
	fi
	after=$(dropped)
	if [ "$after" = "$before" ]; then echo accepted; else echo dropped; fi
}

expect_probe() { # expect_probe accepted|dropped FROM PROTO ADDRESS PORT
	local got
	got=$(probe "${@:2}")
	[ "$got" = "$1" ] || fail "$3 $4 port $5 from $2: $got, want $1"
}

# Every numbered listen port of --expected, where its role's peers are.
probes=0
while read -r role rule proto port last bind; do
	case $role:$rule in
	windows:rpc-dynamic) # a permit range the site does not trust: closed
		expect_probe dropped peer "$proto" 192.0.2.1 "$port"
		expect_probe dropped peer "$proto" 192.0.2.1 "$last"
		probes=$((probes + 2))
		continue
		;;
	plain:mds) # local peers: the loopback only
		expect_probe accepted lo "$proto" 127.0.0.1 "$port"
		expect_probe dropped peer "$proto" 192.0.2.1 "$port"
		probes=$((probes + 2))
		continue
		;;
	esac
	addrs=192.0.2.1
	case $role in
	bound4 | bound6) addrs=$bind ;;
	v6) addrs=2001:db8::1 ;;
	both) addrs="192.0.2.1 2001:db8::1" ;;
	esac
	for addr in $addrs; do
		for p in $(printf '%s\n' "$port" "$last" | sort -u); do
			expect_probe accepted peer "$proto" "$addr" "$p"
			probes=$((probes + 1))
		done
	done
done < <("$PC_DAEMON" --expected --format json -c "$FIXTURE" | perl -MJSON::PP -e '
	local $/; my $d = decode_json(<STDIN>);
	for my $e (@{ $d->{expectations} }) {
		next unless $e->{direction} eq "listen" && $e->{port} > 0;
		print join(" ", $e->{role}, $e->{rule}, $e->{protocol}, $e->{port}, $e->{port_last},
			$e->{bind_address} // "-"), "\n";
	}')
[ "$probes" -ge 18 ] || fail "only $probes probes: --expected lost rows?"

# Next to them, at the wrong address or family: dropped.
expect_probe dropped peer tcp 192.0.2.1 7000
expect_probe dropped peer tcp 192.0.2.1 7003
expect_probe dropped peer udp 192.0.2.1 7099
expect_probe dropped peer udp 192.0.2.1 7251
expect_probe dropped peer tcp 192.0.2.1 7300   # a connect rule's port
expect_probe dropped peer tcp 192.0.2.1 7400   # bound to 192.0.2.7
expect_probe dropped peer tcp 192.0.2.7 7401   # udp only
expect_probe dropped peer tcp 2001:db8::1 7001 # IPv4 peers only
expect_probe dropped peer tcp 192.0.2.1 7700   # IPv6 peers only
log "the kernel accepts the $probes expected ports and drops their neighbours"
