# SPDX-License-Identifier: ISC
# pcDiscoveryVerdictChanged through snmpd to snmptrapd. The host runs a
# Router and Logger as instance 2 side a (their listen ports, TCP and UDP,
# as --expected gives them); the configuration says instance 0, with
# discovery on and hold-down 3. Exactly one notification says differs,
# with the best candidate and the configured roles, once hold-down polls
# agreed (the log says it came from unknown); more polls send nothing.
# The Router's UDP incrp-nic (40105) lies inside the kernel's ephemeral
# range and no configured rule names it: pcListenerTable leaves it out as
# a client's socket, discovery counts it (pcDiscoveryListeners). --check
# on the same sockets names the mismatch first among its problems. After a
# reload to instance 2, exactly one back to matches. With notify-discovery
# false, a verdict that changes again is served but not sent.
. "$(dirname "$0")/lib.sh"

plan_specs() {
	"$PC_DAEMON" --expected --role "$1" --instance 2 --side a |
		awk '$1 !~ /^#/ && $1 != "ROLE" && $8 == "listen" && $7 ~ /^[0-9]/ {
			split($7, p, "-"); print $6 "/0.0.0.0/" p[1] }'
}
mapfile -t specs < <({ plan_specs icm-router; plan_specs icm-logger; } | sort -u)
printf '%s\n' "${specs[@]}" | grep -qx udp/0.0.0.0/40105 || fail "no udp/40105 in the plan: ${specs[*]}"
read -r first last </proc/sys/net/ipv4/ip_local_port_range
[ "$first" -le 40105 ] && [ 40105 -le "$last" ] || exit 77 # the case needs 40105 inside the range
start_listeners host "${specs[@]}"

start_trapd
start_snmpd
configure() {
	write_agent_conf "discovery = true" "hold-down = 3" "notify-discovery = $2" \
		"role \"icm-router\" { instance = $1  side = \"a\" }" \
		"role \"icm-logger\" { instance = $1  side = \"a\" }" \
		'ignore { protocol = "tcp"  port = 199 }' \
		'ignore { protocol = "udp"  port = 1161 }' \
		'ignore { protocol = "udp"  port = 1162 }'
}
changed() { trap_count pcDiscoveryVerdictChanged "$@"; }

configure 0 true
start_agent
wait_agent_serving
wait_for 30 "pcDiscoveryVerdictChanged to differs" trap_count_at_least 1 pcDiscoveryVerdictChanged \
	"pcDiscoveryVerdict.0 = INTEGER: differs(4)"
log "received: $(traps pcDiscoveryVerdictChanged)"
for want in 'pcDiscoveryRoles.1 = STRING: icm-router icm-logger' \
	'pcDiscoveryInstances.1 = STRING: 2 2' 'pcDiscoverySides.1 = STRING: a a' \
	'pcDiscoverySlots.1 = STRING: - -' \
	'pcDiscoveryConfiguredRoles.0 = STRING: icm-router icm-logger' \
	'pcDiscoveryConfiguredInstances.0 = STRING: 0 0' \
	'pcDiscoveryConfiguredSides.0 = STRING: a a' \
	'pcDiscoveryConfiguredSlots.0 = STRING: - -'; do
	[ "$(changed "differs(4)" "$want")" = 1 ] || fail "the notification lacks '$want'"
done
grep -q 'pcDiscoveryVerdictChanged verdict=differs previous=unknown best=icm-router/2/a/-,icm-logger/2/a/- configured=icm-router/0/a/-,icm-logger/0/a/-' \
	"$PC_TMP/portcomplyd.log" || fail "the log has no line for the first verdict"
[ "$(mib_value pcDiscoveryVerdict.0)" = differs ] || fail "pcDiscoveryVerdict is $(mib_value pcDiscoveryVerdict.0)"
wait_next_poll
wait_next_poll
[ "$(changed)" = 1 ] || fail "$(changed) pcDiscoveryVerdictChanged, not 1: $(traps pcDiscoveryVerdictChanged)"
log "instance 0 configured: one pcDiscoveryVerdictChanged, differs"

# udp/40105: a client's socket for the listener table, evidence for discovery.
! listed udp 0.0.0.0 40105 || fail "pcListenerTable lists udp/40105"
# (A client's socket that a snmpget of this test happens to bind on a port
# the catalog names may add to pcDiscoveryListeners, never to what candidate
# 1 explains of its own ports.)
n_specs=${#specs[@]}
[ "$(mib_value pcDiscoveryListeners.0)" -ge "$n_specs" ] ||
	fail "pcDiscoveryListeners is $(mib_value pcDiscoveryListeners.0), the host listens on $n_specs ports"
explained=$(mib_value pcDiscoveryExplained.1)
[ "$explained" = "$(mib_value pcDiscoveryExpected.1)" ] ||
	fail "candidate 1 explains $explained of its $(mib_value pcDiscoveryExpected.1) ports"
log "udp/40105: not in pcListenerTable, counted by discovery (candidate 1: all $explained of its ports listen)"

# --check on the same sockets says it too, first among its problems.
set +e
"$PC_DAEMON" --check -c "$PC_TMP/portcomply.conf" >"$PC_TMP/check.txt" 2>"$PC_TMP/check.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "--check exits $rc, not 2 (nonCompliant): $(head -c 300 "$PC_TMP/check.txt")"
grep -q '^PORTCOMPLY CRITICAL - nonCompliant: .*; roles differ: listeners look like icm-router/2/a/-,icm-logger/2/a/-, ' \
	"$PC_TMP/check.txt" || fail "--check's status line does not name the mismatch first: $(head -n 1 "$PC_TMP/check.txt")"
sed -n 2p "$PC_TMP/check.txt" | grep -q '^discovery differs: the configured roles (icm-router instance 0 side a, icm-logger instance 0 side a; ' ||
	fail "--check's first problem line is: $(sed -n 2p "$PC_TMP/check.txt")"
log "--check: $(sed -n 2p "$PC_TMP/check.txt")"

configure 2 true
kill -HUP "$AGENT_PID"
wait_for 30 "pcDiscoveryVerdictChanged back to matches" trap_count_at_least 1 \
	pcDiscoveryVerdictChanged "pcDiscoveryVerdict.0 = INTEGER: matches(3)"
[ "$(changed "matches(3)" 'pcDiscoveryConfiguredInstances.0 = STRING: 2 2')" = 1 ] ||
	fail "the matches notification does not carry the configured instance 2"
wait_next_poll
wait_next_poll
[ "$(changed)" = 2 ] || fail "$(changed) pcDiscoveryVerdictChanged after the reload, not 2"
log "instance 2 configured: one more, matches"

configure 0 false
kill -HUP "$AGENT_PID"
wait_for 10 "pcDiscoveryNotifyEnabled to say false" mib_is pcDiscoveryNotifyEnabled.0 false
wait_for 30 "pcDiscoveryVerdict to say differs again" mib_is pcDiscoveryVerdict.0 differs
wait_for 10 "the log line of the change" grep -q 'pcDiscoveryVerdictChanged verdict=differs previous=matches' \
	"$PC_TMP/portcomplyd.log"
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
[ "$(changed)" = 2 ] || fail "notify-discovery = false, yet a pcDiscoveryVerdictChanged was sent"
log "notify-discovery false: served and logged, not sent"
