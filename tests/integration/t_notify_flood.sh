# SPDX-License-Identifier: ISC
# A flood of new listeners cannot erase an alarm. A local
# user opens 5,000 listeners, then a required listener dies: the poll that
# sees the loss sees the 5,000 new ones too (poll-interval = 60: the
# destroy event triggers it). The hand-over from the poll thread used to be
# a 4,096-entry ring that dropped the oldest, and the rate limit one bucket
# for all: pcListenerMissing and pcComplianceChanged were both lost.
# Now both arrive; the listeners are coalesced and rate limited on their
# own share, and nothing is lost silently: the pcUnexpectedListener
# received plus the pcNotifySkippedUnexpected of the summaries make 5,000,
# and pcNotificationsSuppressed + pcNotificationsDropped count the skipped.
. "$(dirname "$0")/lib.sh"

FLOOD=5000
# The test's own SNMP clients (snmpget, snmpwalk) hold unconnected UDP
# sockets on ephemeral ports while they run; a poll that catches one sees a
# new listener. The burst is TCP: ignore UDP's ephemeral range so that only
# the burst is counted.
UDP_CLIENTS='ignore { protocol = "udp"  range = {32768, 60999} }'
ulimit -n $((FLOOD + 1000))
start_trapd
start_snmpd
start_svc_listeners victim
write_agent_conf "poll-interval = 60" "hold-down = 1" "resolve-processes = false" \
	"$SVC_CATALOG" 'role "svc" {}' "$UDP_CLIENTS"
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
suppressed_before=$(mib_value pcNotificationsSuppressed.0)
dropped_before=$(mib_value pcNotificationsDropped.0)

log "$FLOOD listeners appear, then the required one dies"
specs=()
for i in $(seq $FLOOD); do specs+=(tcp/127.0.0.1/0); done
start_listeners flood "${specs[@]}"
kill -KILL "$LISTEN_PID_victim"
wait_for 10 "pcListenerMissing for svc/req" trap_count_at_least 1 pcListenerMissing \
	"pcExpectRule.1.1.1 = STRING: req"
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)"

skipped_total() {
	traps pcNotificationsSkipped | sed -n 's/.*pcNotifySkippedUnexpected.0 = Gauge32: \([0-9]*\).*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
all_told() { [ $(($(trap_count pcUnexpectedListener) + $(skipped_total))) -ge $FLOOD ]; }
wait_for 20 "every new listener to be sent or told skipped" all_told
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
received=$(trap_count pcUnexpectedListener)
skipped=$(skipped_total)
suppressed=$(($(mib_value pcNotificationsSuppressed.0) - suppressed_before))
dropped=$(($(mib_value pcNotificationsDropped.0) - dropped_before))
log "$FLOOD new listeners: $received pcUnexpectedListener, $skipped told skipped ($suppressed suppressed, $dropped dropped)"
[ $((received + skipped)) = $FLOOD ] || fail "$received received + $skipped skipped is not $FLOOD"
[ $((suppressed + dropped)) = "$skipped" ] || fail "$suppressed suppressed + $dropped dropped is not $skipped"
[ "$received" -le 30 ] || fail "$received pcUnexpectedListener passed a limit of 10 per second"
[ "$(trap_count pcListenerMissing)" = 1 ] || fail "pcListenerMissing more than once"
[ "$(mib_value pcHostCompliance.0)" = nonCompliant ] || fail "the host is not nonCompliant"
log "ok"
