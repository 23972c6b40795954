# SPDX-License-Identifier: ISC
# A stalled master (SIGSTOP) does not delay detection: the poll thread
# never waits on it. A listener dies as a 5 s stall begins; once the master
# runs again, the pcListenerMissing notification arrives, and its sysUpTime
# (when the agent detected the loss) lies within the stall, seconds before
# the master resumed.
#
# And the stall delivers each notification once (net-snmp's
# retries used to write each Notify into the stalled stream 5 times more):
# the listener comes back, and once its pcListenerRestored has arrived
# (everything sent before it was handled first, on one stream), exactly one
# pcListenerMissing and one pcComplianceChanged to nonCompliant were
# received, and the counters account for each once.
# t_master_stalled_long stalls it 12 s instead: longer than net-snmp waits
# for a ping, so the session is closed and reopened; the master, resumed,
# still answers on the connection the agent closed, and nothing is sent
# again on the new one: once there too (it used to arrive twice).
. "$(dirname "$0")/lib.sh"
STALL_SECONDS=${STALL_SECONDS:-5}

start_trapd
start_snmpd
start_svc_listeners victim
# agentx-retry is also net-snmp's ping period: a ping that starts after the
# Notify has gone into the stalled stream is what used to resend it.
write_agent_conf "hold-down = 1" "agentx-retry = 5" "$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant
wait_for 10 "the first pcComplianceChanged" trap_count_at_least 1 pcComplianceChanged

kill -STOP "$SNMPD_PID"
# Not readiness waits: the stall itself is what is being tested. The
# listener dies at once, so that the Notify goes into the stalled stream.
kill -KILL "$LISTEN_PID_victim"
sleep "$STALL_SECONDS"
kill -CONT "$SNMPD_PID"
resumed=$(snmpget -v2c -c public -t 5 -r 1 -On -Oqvt "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0)
wait_for 20 "pcListenerMissing after the stall" trap_count_at_least 1 pcListenerMissing "STRING: req"
detected=$(traps pcListenerMissing "STRING: req" | head -n 1 |
	sed -n 's/.*sysUpTimeInstance = Timeticks: (\([0-9]*\)).*/\1/p')
log "detected at sysUpTime $detected, master resumed at $resumed (ticks of 10 ms)"
[ -n "$detected" ] || fail "no sysUpTime in the notification"
[ $((resumed - detected)) -ge 250 ] ||
	fail "detection was delayed by the stalled master: detected $((resumed - detected)) ticks before it resumed"
kill -0 "$AGENT_PID" || fail "portcomplyd exited"

log "the listener comes back: its notification closes the stream's backlog"
start_listeners back tcp/0.0.0.0/7001
wait_for 20 "pcListenerRestored" trap_count_at_least 1 pcListenerRestored "STRING: req"
wait_for 10 "pcComplianceChanged back to compliant" trap_count_at_least 2 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
missing=$(trap_count pcListenerMissing "STRING: req")
noncompliant=$(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: nonCompliant(3)")
log "received after a $STALL_SECONDS s stall: $missing pcListenerMissing, $noncompliant pcComplianceChanged to nonCompliant"
received() { trap_count ''; }
if [ "$STALL_SECONDS" -gt 5 ]; then
	wait_for 20 "net-snmp to have reopened the session" \
		grep -q 'reconnected to the AgentX master' "$PC_TMP/portcomplyd.log"
fi
[ "$missing" = 1 ] || fail "pcListenerMissing was delivered $missing times"
[ "$noncompliant" = 1 ] || fail "pcComplianceChanged to nonCompliant was delivered $noncompliant times"
# Each one received is counted once: acknowledged (pcNotificationsSent),
# or read by the master whose answer net-snmp dropped with the session it
# gave up on (pcNotificationsUnconfirmed); none was sent twice.
delivered() { echo $(($(mib_value pcNotificationsSent.0) + $(mib_value pcNotificationsUnconfirmed.0))); }
delivered_matches() { [ "$(delivered)" = "$(received)" ]; }
wait_for 10 "sent + unconfirmed to equal what was received ($(received))" delivered_matches
[ "$(mib_value pcNotificationsRetried.0)" = 0 ] || fail "notifications were sent again"
log "ok: $(mib_value pcNotificationsSent.0) sent + $(mib_value pcNotificationsUnconfirmed.0) unconfirmed = $(received) received"
