# SPDX-License-Identifier: ISC
# snmpd is killed; while it is away a required listener dies; snmpd comes
# back: portcomplyd reconnects by itself and delivers the notifications it
# kept, in the order they were raised (the pcComplianceChanged of a poll
# before its per-port notifications, here the pcListenerMissing that
# caused it), and its queue is empty afterwards.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners victim
write_agent_conf "hold-down = 1" "$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"INTEGER: compliant(1)"

log "snmpd killed; the listener dies during the outage"
kill -KILL "$SNMPD_PID"
wait "$SNMPD_PID" || true
wait_for 10 "portcomplyd to notice" grep -q 'lost the AgentX master' "$PC_TMP/portcomplyd.log"
kill -KILL "$LISTEN_PID_victim"
# Not a readiness wait: nothing outside the agent can see its queue while
# the master is away; a 1 s poll (and the destroy event) fit in this.
sleep 1.5
[ "$(trap_count pcListenerMissing "STRING: req")" = 0 ] || fail "a notification got through without a master"

log "snmpd back"
start_snmpd
wait_for 10 "pcListenerMissing after the reconnection" trap_count_at_least 1 pcListenerMissing \
	"STRING: req" "pcExpectStatus.1.1.1 = INTEGER: missing(2)"
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"INTEGER: nonCompliant(3)"
compliance_line=$(grep -n 'pcHostCompliance.0 = INTEGER: nonCompliant(3)' "$PC_TMP/traps.log" | head -n 1 | cut -d: -f1)
missing_line=$(grep -n 'PORT-COMPLIANCE-MIB::pcListenerMissing' "$PC_TMP/traps.log" | head -n 1 | cut -d: -f1)
[ "$compliance_line" -lt "$missing_line" ] ||
	fail "the queued notifications arrived out of order (compliance at line $compliance_line, missing at $missing_line)"
wait_for 5 "the queue to be empty" mib_is pcNotificationsQueued.0 0
[ "$(trap_count pcListenerMissing "STRING: req")" = 1 ] || fail "pcListenerMissing was delivered more than once"
[ "$(mib_value pcNotificationsDropped.0)" = 0 ] || fail "notifications were dropped"
log "ok"
