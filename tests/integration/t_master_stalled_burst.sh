# SPDX-License-Identifier: ISC
# A stall of any length duplicates nothing. The master is stopped
# (SIGSTOP) for 30 s while 60 required ports are lost and then come back:
# net-snmp's ping fails and the session is closed and reopened during the
# stall. Once the master runs again, each notification reaches the
# receiver once: no port is named twice by the same notification, each
# port's last word is its pcListenerRestored, what was received plus what
# the summaries say was folded (an alarm replaced, before it was sent, by
# the newer state of its port) makes the 120 alarms raised, nothing was
# sent again, and the counters account for each once. Before, every alarm
# sent into the stalled stream went out again on the new session: 245
# received for 123 sent.
. "$(dirname "$0")/lib.sh"

PORTS=60
STALL_SECONDS=30
catalog=$PC_TMP/stall.conf
write_required_catalog "$catalog" wide $PORTS

start_trapd
start_snmpd
start_listeners wide "${REQUIRED_SPECS[@]}"
write_agent_conf "hold-down = 1" "site-catalog = \"$catalog\"" 'role "wide" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
received_before=$(trap_count '')

logged() { [ "$(grep -c "$1 role=wide" "$PC_TMP/portcomplyd.log")" -ge "$2" ]; }
kill -STOP "$SNMPD_PID"
stalled_at=$(now_ms)
log "master stopped; all $PORTS ports lost"
kill -KILL "$LISTEN_PID_wide"
# The agent's log is what can be seen of it while its master is stopped.
wait_for 20 "the agent to log $PORTS losses" logged pcListenerMissing $PORTS
log "all $PORTS ports back"
start_listeners back "${REQUIRED_SPECS[@]}"
wait_for 20 "the agent to log $PORTS returns" logged pcListenerRestored $PORTS
# Not a readiness wait: the length of the stall is what is tested.
left_ms=$((stalled_at + STALL_SECONDS * 1000 - $(now_ms)))
[ "$left_ms" -le 0 ] || sleep "$((left_ms / 1000)).$(printf '%03d' $((left_ms % 1000)))"
kill -CONT "$SNMPD_PID"
log "master resumed after $((($(now_ms) - stalled_at) / 1000)) s"
wait_for 20 "net-snmp to have reopened the session" \
	grep -q 'reconnected to the AgentX master' "$PC_TMP/portcomplyd.log"

# port_lines NOTIFICATION: "port" per notification received.
port_lines() {
	traps "$1" "role" | sed -n 's/.*pcExpectPort\.[0-9.]* = Gauge32: \([0-9]*\).*/\1/p'
}
skipped_alarms() {
	traps pcNotificationsSkipped | sed -n 's/.*pcNotifySkippedAlarms.0 = Gauge32: \([0-9]*\).*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
wait_for 30 "a pcListenerRestored for each of the $PORTS ports" \
	trap_count_at_least $PORTS pcListenerRestored
wait_for 30 "every notification acknowledged" mib_is pcNotificationsQueued.0 0

missing=$(trap_count pcListenerMissing)
restored=$(trap_count pcListenerRestored)
folded=$(skipped_alarms)
log "after a $STALL_SECONDS s stall: $missing pcListenerMissing, $restored pcListenerRestored, $folded folded"
for n in pcListenerMissing pcListenerRestored; do
	twice=$(port_lines $n | sort -n | uniq -d | wc -l)
	[ "$twice" = 0 ] || fail "$twice ports got $n more than once"
done
[ "$restored" = $PORTS ] || fail "$restored pcListenerRestored for $PORTS ports"
last_not_restored=$(grep -o 'PORT-COMPLIANCE-MIB::pcListener[A-Za-z]*.*pcExpectPort\.[0-9.]* = Gauge32: [0-9]*' \
	"$PC_TMP/traps.log" | sed 's/^PORT-COMPLIANCE-MIB::\(pcListener[A-Za-z]*\).* \([0-9]*\)$/\2 \1/' |
	awk '{ last[$1] = $2 } END { for (p in last) if (last[p] != "pcListenerRestored") print p }' | wc -l)
[ "$last_not_restored" = 0 ] || fail "$last_not_restored ports' last notification is not pcListenerRestored"
[ $((missing + restored + folded)) = $((2 * PORTS)) ] ||
	fail "$missing + $restored received + $folded folded is not $((2 * PORTS))"
# The two changes of the host's compliance: each once, or both folded
# into none if the first was still waiting when the second came.
noncompliant=$(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: nonCompliant(3)")
compliant_again=$(($(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: compliant(1)") - 1))
[ "$noncompliant" -le 1 ] || fail "pcComplianceChanged to nonCompliant received $noncompliant times"
[ "$compliant_again" = "$noncompliant" ] ||
	fail "$noncompliant pcComplianceChanged to nonCompliant, $compliant_again back to compliant"
received=$(($(trap_count '') - received_before))
# Each one received is counted once: acknowledged, or read by the master
# whose answer net-snmp dropped with the session it gave up on.
delivered() { echo $(($(mib_value pcNotificationsSent.0) + $(mib_value pcNotificationsUnconfirmed.0))); }
delivered_matches() { [ "$(delivered)" = "$(trap_count '')" ]; }
wait_for 10 "sent + unconfirmed to equal what was received ($(trap_count ''))" delivered_matches
[ "$(mib_value pcNotificationsRetried.0)" = 0 ] || fail "notifications were sent again"
log "ok: $received notifications after the stall, each once ($(mib_value pcNotificationsSent.0) sent, $(mib_value pcNotificationsUnconfirmed.0) unconfirmed, $(mib_value pcNotificationsFolded.0) folded)"
