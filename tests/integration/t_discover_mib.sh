# SPDX-License-Identifier: ISC
# Discovery served through snmpd for audits by snmpwalk: the host runs a
# Router and Logger as instance 3 side a, the configuration says instance
# 0. With discovery = true, pcDiscoveryTable's first row names both roles
# at instance 3, side a, and pcDiscoveryVerdict says differs; once the
# configuration says instance 3 (SIGHUP), matches. With discovery off (the
# default) the verdict is off and the table empty.
. "$(dirname "$0")/lib.sh"

plan_specs() {
	"$PC_DAEMON" --expected --role "$1" --instance 3 --side a |
		awk '$1 !~ /^#/ && $1 != "ROLE" && $8 == "listen" && $7 ~ /^[0-9]/ {
			split($7, p, "-"); print $6 "/0.0.0.0/" p[1] }'
}
mapfile -t specs < <({ plan_specs icm-router; plan_specs icm-logger; } | sort -u)
start_listeners host "${specs[@]}"

start_snmpd
configure() {
	write_agent_conf "discovery = $1" \
		"role \"icm-router\" { instance = $2  side = \"a\" }" \
		"role \"icm-logger\" { instance = $2  side = \"a\" }" \
		'ignore { protocol = "tcp"  port = 199 }' \
		'ignore { protocol = "udp"  port = 1161 }'
}

configure false 0
start_agent
wait_agent_serving
[ "$(mib_value pcDiscoveryVerdict.0)" = off ] || fail "discovery off: verdict $(mib_value pcDiscoveryVerdict.0)"
rows=$(snmpwalk -v2c -c public -t 2 -r 1 -Oq "$SNMP_TARGET" PORT-COMPLIANCE-MIB::pcDiscoveryTable | grep -c "pcDiscoveryRoles\." || true)
[ "$rows" = 0 ] || fail "discovery off: pcDiscoveryTable has $rows values"
log "discovery off: verdict off, no candidate"

configure true 0
kill -HUP "$AGENT_PID"
wait_for 20 "pcDiscoveryVerdict to say differs" mib_is pcDiscoveryVerdict.0 differs
[ "$(mib_value pcDiscoveryRoles.1)" = "icm-router icm-logger" ] ||
	fail "candidate 1 is '$(mib_value pcDiscoveryRoles.1)'"
[ "$(mib_value pcDiscoveryInstances.1)" = "3 3" ] || fail "instances '$(mib_value pcDiscoveryInstances.1)'"
[ "$(mib_value pcDiscoverySides.1)" = "a a" ] || fail "sides '$(mib_value pcDiscoverySides.1)'"
[ "$(mib_value pcDiscoveryLacking.1)" = 0 ] || fail "lacking $(mib_value pcDiscoveryLacking.1)"
snmpwalk -v2c -c public -t 2 -r 1 "$SNMP_TARGET" PORT-COMPLIANCE-MIB::pcDiscovery >"$PC_TMP/walk.txt"
log "instance 0 configured: differs; the walk:"
sed 's/^/#   /' "$PC_TMP/walk.txt"

configure true 3
kill -HUP "$AGENT_PID"
wait_for 20 "pcDiscoveryVerdict to say matches" mib_is pcDiscoveryVerdict.0 matches
log "instance 3 configured: matches"
