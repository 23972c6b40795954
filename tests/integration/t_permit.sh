# SPDX-License-Identifier: ISC
# Permit ranges through a real snmpd and snmptrapd. With
# windows-base, whose rpc-dynamic rule only permits TCP 1024-65535, a new
# listener on tcp/5555 raises pcUnexpectedListener and is classed
# inPermitRange, and opening and closing it raises no pcListenerMissing or
# pcListenerRestored for rpc-dynamic (whose status is permitted). Trusting
# the range (trust-permits) silences the next one. A range rule that does
# listen (dyn/beat, tcp 7500-7599) reports the port of the listener
# concerned in pcNotifyPort, not the range start.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_listeners beat tcp/0.0.0.0/7550
common=("site-catalog = \"$PC_ROOT/tests/fixtures/engine/site.conf\"" "hold-down = 1"
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  port = 1161 }')
write_agent_conf "${common[@]}" 'role "windows-base" {}' 'role "dyn" {}'
start_agent
wait_agent_serving
wait_for 10 "the first verdict" trap_count_at_least 1 pcComplianceChanged
# pcExpectTable row (1, 3, 1): windows-base's third rule, rpc-dynamic.
[ "$(mib_value pcExpectRule.1.3.1)" = rpc-dynamic ] || fail "row 1.3.1 is $(mib_value pcExpectRule.1.3.1)"
[ "$(mib_value pcExpectStatus.1.3.1)" = permitted ] ||
	fail "rpc-dynamic is $(mib_value pcExpectStatus.1.3.1), not permitted"

# snmptrapd and the like: unexpected before the test's own listeners
others=$(mib_value pcUnexpectedCount.0)

class_is() { [ "$(listener_column 8 tcp 0.0.0.0 "$1")" = "$2" ]; }
no_permit_traps() {
	local n
	for n in pcListenerMissing pcListenerRestored; do
		[ "$(trap_count "$n" "STRING: rpc-dynamic")" = 0 ] ||
			fail "$n for rpc-dynamic: $(traps "$n" "STRING: rpc-dynamic")"
	done
}

log "a listener on tcp/5555, inside the permit range"
start_listeners odd tcp/0.0.0.0/5555
wait_for 10 "pcUnexpectedListener for tcp/5555" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: 5555" "pcNotifyProtocol.0 = INTEGER: tcp(6)"
wait_for 5 "tcp/5555 classed inPermitRange" class_is 5555 inPermitRange
[ "$(listener_column 10 tcp 0.0.0.0 5555)" = rpc-dynamic ] ||
	fail "pcListenerRule of tcp/5555 is '$(listener_column 10 tcp 0.0.0.0 5555)'"
[ "$(mib_value pcUnexpectedCount.0)" = $((others + 1)) ] ||
	fail "pcUnexpectedCount is $(mib_value pcUnexpectedCount.0), not $others + 1"

log "--check classes it the same way, in text and JSON"
check_text=$("$PC_DAEMON" --check --verbose -c "$PC_TMP/portcomply.conf") || true
grep -Eq '^ +tcp +0\.0\.0\.0 +5555 .*inPermitRange windows-base/rpc-dynamic$' <<<"$check_text" ||
	fail "--check text does not class tcp/5555 inPermitRange: $check_text"
check_json=$("$PC_DAEMON" --check -c "$PC_TMP/portcomply.conf" --format json) || true
grep -q '"port": 5555, .*"class": "inPermitRange", "expectation": [0-9]*, "role": "windows-base", "rule": "rpc-dynamic"' \
	<<<"$check_json" || fail "--check JSON does not class tcp/5555 inPermitRange"
grep -q '"rule": "rpc-dynamic", .*"match": "permit", .*"status": "permitted"' <<<"$check_json" ||
	fail "--check JSON: rpc-dynamic is not a permitted permit"

# (Opened again by the same program it would not be news: t_restarts.)
log "closed, and opened by another program: announced again, and nothing about rpc-dynamic"
listener_do odd close 0
not_listed() { ! listed tcp 0.0.0.0 5555; }
wait_for 5 "tcp/5555 to leave the MIB" not_listed
cp "$PC_LISTEN" "$PC_TMP/other-prog"
PC_LISTEN=$PC_TMP/other-prog start_listeners reopened tcp/0.0.0.0/5555
wait_for 10 "a second pcUnexpectedListener for tcp/5555" trap_count_at_least 2 \
	pcUnexpectedListener "pcNotifyPort.0 = Gauge32: 5555"
wait_next_poll
no_permit_traps
[ "$(mib_value pcExpectStatus.1.3.1)" = permitted ] || fail "rpc-dynamic changed status"

log "a range rule that listens: its notifications name the listener's port"
listener_do beat close 0
wait_for 5 "pcListenerMissing for dyn/beat naming 7550" trap_count_at_least 1 pcListenerMissing \
	"pcExpectRule.2.1.1 = STRING: beat" "pcExpectPort.2.1.1 = Gauge32: 7500" \
	"pcNotifyPort.0 = Gauge32: 7550"
start_listeners beat2 tcp/0.0.0.0/7566
wait_for 5 "pcListenerRestored for dyn/beat naming 7566" trap_count_at_least 1 pcListenerRestored \
	"pcExpectRule.2.1.1 = STRING: beat" "pcExpectStatus.2.1.1 = INTEGER: present(1)" \
	"pcNotifyPort.0 = Gauge32: 7566"

log "trust-permits = true: the range is trusted, the next listener raises nothing"
write_agent_conf "${common[@]}" 'role "windows-base" { trust-permits = true }' 'role "dyn" {}'
kill -HUP "$AGENT_PID"
wait_for 5 "tcp/5555 classed trustedPermit" class_is 5555 trustedPermit
wait_for 5 "pcUnexpectedCount back to $others" mib_is pcUnexpectedCount.0 "$others"
start_listeners odd2 tcp/0.0.0.0/5556
wait_for 5 "tcp/5556 classed trustedPermit" class_is 5556 trustedPermit
wait_next_poll
[ "$(trap_count pcUnexpectedListener "Gauge32: 5556")" = 0 ] ||
	fail "pcUnexpectedListener for a trusted range: $(traps pcUnexpectedListener "Gauge32: 5556")"
no_permit_traps
log "ok: $(trap_count pcUnexpectedListener) pcUnexpectedListener, none for rpc-dynamic's row"
