# SPDX-License-Identifier: ISC
# Reachability: a port counts as present only where its peers
# can reach it, with real sockets in the scenario's namespace.
#
# 1. Every address a listener may take: ctios-server instance 0 side A, one listener at a
#    time on tcp/42028 (IPv4 peers): 0.0.0.0 and dual-stack [::] present;
#    127.0.0.1, [::1] and v6-only [::] wrongAddress with the reason, in the
#    MIB, the notification's varbinds and --check's JSON and text.
# 2. Devices and addresses of the namespace's own: a bridge d0 (up, with
#    192.0.2.10, 2001:db8::10 and fe80::10) and a bridge d1 (down): a
#    link-local listener, listeners bound to d0, lo and d1, a freebind
#    listener on an address nobody holds, a host address, a local-peer rule
#    on loopback and an IPv6-peer role, each on its own port; the device
#    rows in pcListenerTable and --listeners.
. "$(dirname "$0")/lib.sh"

perl -MJSON::PP -e 1 2>/dev/null || fail "perl with JSON::PP is needed"

# Bridges stand in for real interfaces (the dummy driver may be missing).
ip link add d0 type bridge
ip addr add 192.0.2.10/24 dev d0
ip -6 addr add 2001:db8::10/64 dev d0 nodad
ip -6 addr add fe80::10/64 dev d0 nodad
ip link set d0 up
ip link add d1 type bridge # stays down
D0=$(ip -o link show d0 | cut -d: -f1)
D1=$(ip -o link show d1 | cut -d: -f1)
LO=$(ip -o link show lo | cut -d: -f1)

cat >"$PC_TMP/site.conf" <<SITE
role "reach-lab" {
	title = "Reachability scenario"
	table = 0
	rule "link-local" { description = "fe80::10 on d0"  protocol = "tcp"  port = 18101
		direction = "listen"  required = true  source = "SITE"  confidence = "SITE" }
	rule "on-d0" { description = "0.0.0.0 bound to d0"  protocol = "tcp"  port = 18102
		direction = "listen"  required = true  source = "SITE"  confidence = "SITE" }
	rule "on-lo" { description = "0.0.0.0 bound to lo"  protocol = "tcp"  port = 18103
		direction = "listen"  required = true  source = "SITE"  confidence = "SITE" }
	rule "on-d1" { description = "0.0.0.0 bound to d1, down"  protocol = "tcp"  port = 18104
		direction = "listen"  required = true  source = "SITE"  confidence = "SITE" }
	rule "freebind" { description = "an address nobody here holds"  protocol = "tcp"
		port = 18105  direction = "listen"  required = true
		source = "SITE"  confidence = "SITE" }
	rule "host-address" { description = "192.0.2.10"  protocol = "tcp"  port = 18106
		direction = "listen"  required = true  source = "SITE"  confidence = "SITE" }
	rule "local" { description = "loopback, peers on this host"  protocol = "tcp"
		port = 18107  direction = "listen"  peer = "local"  required = true
		source = "SITE"  confidence = "SITE" }
}
role "reach-lab6" {
	title = "Reachability scenario, IPv6 peers"
	table = 0
	rule "v4-for-v6" { description = "0.0.0.0 where the peers use IPv6"  protocol = "tcp"
		port = 18108  direction = "listen"  required = true
		source = "SITE"  confidence = "SITE" }
	rule "v6only" { description = "[::] v6-only, for IPv6 peers"  protocol = "tcp"
		port = 18109  direction = "listen"  required = true
		source = "SITE"  confidence = "SITE" }
}
SITE
write_agent_conf "site-catalog = \"$PC_TMP/site.conf\"" "hold-down = 1" \
	'role "ctios-server" { instance = 0  side = "a" }' \
	'role "reach-lab" {}' \
	'role "reach-lab6" { peer-family = "ipv6" }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  port = 1161 }'
CONF=$PC_TMP/portcomply.conf
start_snmpd
start_trapd
start_agent
wait_agent_serving

CTIOS=1.1.1
[ "$(mib_value pcExpectRule.$CTIOS)" = ctios ] || fail "row $CTIOS is not CTI OS"
[ "$(mib_value pcExpectPeers.$CTIOS)" = remoteIpv4 ] || fail "CTI OS peers: $(mib_value pcExpectPeers.$CTIOS)"
wait_for 10 "42028 to be missing" mib_is pcExpectStatus.$CTIOS missing

# check_json EXPRESSION VALUE: the expression over --check's JSON ($j).
check_json() {
	"$PC_DAEMON" --check --format json -c "$CONF" >"$PC_TMP/check.json" || true
	local got
	got=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); my $v = '"$1"'; print defined $v ? $v : "null"' <"$PC_TMP/check.json")
	[ "$got" = "$2" ] || fail "--check JSON: $1 is $got, not $2"
}
CTIOS_JSON='(grep { $_->{role} eq "ctios-server" && $_->{rule} eq "ctios" } @{$j->{expectations}})[0]'

# row NAME SPEC STATUS PROBLEM [REASON]: one listener on 42028 gives
# STATUS/PROBLEM (and the text report says REASON); then it closes and the
# port is missing again before the next row.
row() {
	local name=$1 spec=$2 status=$3 problem=$4 reason=${5:-}
	log "42028 on $spec: $status ($problem)"
	start_listeners "$name" "$spec"
	wait_for 10 "42028 on $spec to be $status" mib_is pcExpectStatus.$CTIOS "$status"
	[ "$(mib_value pcExpectAddressProblem.$CTIOS)" = "$problem" ] ||
		fail "$spec: pcExpectAddressProblem is $(mib_value pcExpectAddressProblem.$CTIOS), not $problem"
	check_json "$CTIOS_JSON->{status}" "$status"
	if [ "$status" = wrongAddress ]; then
		check_json "$CTIOS_JSON->{address_problem}" "$problem"
		"$PC_DAEMON" --check -c "$CONF" >"$PC_TMP/check.txt" || true
		grep -q "^wrongAddress ([a-z]*): ctios-server.*, rule ctios, tcp/42028 listen; .*: $reason\$" "$PC_TMP/check.txt" ||
			fail "the text report does not say '$reason': $(grep ctios "$PC_TMP/check.txt")"
		wait_for 10 "a pcListenerMissing saying $problem" trap_count_at_least 1 pcListenerMissing \
			"pcExpectStatus.$CTIOS = INTEGER: wrongAddress(4)" \
			"pcExpectAddressProblem.$CTIOS = INTEGER: $problem"
	else
		check_json "$CTIOS_JSON->{address_problem}" null
	fi
	listener_do "$name" close 0
	wait_for 10 "42028 to be missing after $spec" mib_is pcExpectStatus.$CTIOS missing
}
row any4 tcp/0.0.0.0/42028 present none
row dual tcp/::/42028 present none
row lo4 tcp/127.0.0.1/42028 wrongAddress loopbackOnly "listens on loopback only"
row lo6 tcp/::1/42028 wrongAddress loopbackOnly "listens on loopback only"
row v6only tcp/::/42028/v6only wrongAddress ipv6Only "listens on IPv6 only; the peers use IPv4"

log "devices, addresses, local peers, IPv6 peers"
start_listeners lab tcp/fe80::10/18101/scope=d0 tcp/0.0.0.0/18102/dev=d0 \
	tcp/0.0.0.0/18103/dev=lo tcp/0.0.0.0/18104/dev=d1 tcp/203.0.113.9/18105/freebind \
	tcp/192.0.2.10/18106 tcp/127.0.0.1/18107 tcp/0.0.0.0/18108 tcp/::/18109/v6only
# expect RULE_INDEX STATUS PROBLEM (role 2: reach-lab; 3: reach-lab6)
expect() {
	wait_for 10 "rule $1 to be $2" mib_is pcExpectStatus.$1.1 "$2"
	[ "$(mib_value pcExpectAddressProblem.$1.1)" = "$3" ] ||
		fail "rule $1: pcExpectAddressProblem is $(mib_value pcExpectAddressProblem.$1.1), not $3"
}
expect 2.1 wrongAddress linkLocalOnly
expect 2.2 present none
expect 2.3 wrongAddress wrongDevice
expect 2.4 wrongAddress deviceDown
expect 2.5 wrongAddress notLocalAddress
expect 2.6 present none
expect 2.7 present none
expect 3.1 wrongAddress ipv4Only
expect 3.2 present none
[ "$(mib_value pcExpectPeers.2.7.1)" = local ] || fail "rule local: peers are not local"
[ "$(mib_value pcExpectPeers.3.1.1)" = remoteIpv6 ] || fail "reach-lab6: peers are not IPv6"

# The device rows: pcListenerTable's index is zoned (ipv4z, the interface
# index), with the device's name and status beside it.
# column_is COLUMN ADDRESS PORT VALUE
column_is() {
	local got
	got=$(listener_column "$1" tcp "$2" "$3")
	[ "$got" = "$4" ] || fail "pcListenerTable column $1 of $2:$3 is '$got', not '$4'"
}
column_is 13 "0.0.0.0%$D0" 18102 d0
column_is 14 "0.0.0.0%$D0" 18102 up
column_is 14 "0.0.0.0%$D1" 18104 down
column_is 13 "0.0.0.0%$LO" 18103 lo
column_is 14 "[fe80::10]%$D0" 18101 up
column_is 14 0.0.0.0 18108 notBound
"$PC_DAEMON" --listeners >"$PC_TMP/listeners.txt"
grep -Eqx "tcp +0\.0\.0\.0%d1 +18104 +1 +[0-9]+ +listen +down" "$PC_TMP/listeners.txt" ||
	fail "--listeners does not show 0.0.0.0%d1 down: $(cat "$PC_TMP/listeners.txt")"
grep -Eqx "tcp +0\.0\.0\.0%d0 +18102 +1 +[0-9]+ +listen +up" "$PC_TMP/listeners.txt" ||
	fail "--listeners does not show 0.0.0.0%d0 up"
check_json '(grep { $_->{port} == 18104 } @{$j->{listeners}})[0]{device_status}' down
check_json '(grep { $_->{rule} eq "freebind" } @{$j->{expectations}})[0]{reason}' \
	"bound to an address this host does not hold"

log "d1 comes up: its listener becomes reachable, and that is one restore"
ip link set d1 up
expect 2.4 present none
wait_for 10 "pcListenerRestored for on-d1" trap_count_at_least 1 pcListenerRestored \
	"pcExpectRule.2.4.1 = STRING: on-d1"
log "ok"
