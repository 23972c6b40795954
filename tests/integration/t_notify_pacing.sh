# SPDX-License-Identifier: ISC
# The rate limit delays alarms, never drops them. 60 required ports are
# lost at once with notify-rate-limit = 10: every port is named by its own
# pcListenerMissing (paced, about six seconds for all), none is only
# counted in pcNotificationsSkipped or pcNotificationsSuppressed; then all
# 60 come back and every port is named by its pcListenerRestored the same
# way. Each notification arrives once, and pcNotificationsSent equals what
# the receiver got.
. "$(dirname "$0")/lib.sh"

PORTS=60
catalog=$PC_TMP/pacing.conf
write_required_catalog "$catalog" wide $PORTS

start_trapd
start_snmpd
start_listeners wide "${REQUIRED_SPECS[@]}"
write_agent_conf "notify-rate-limit = 10" "hold-down = 1" "site-catalog = \"$catalog\"" 'role "wide" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"

# ports NOTIFICATION: the pcExpectPort of each one received, one a line.
ports() {
	traps "$1" | sed -n 's/.*pcExpectPort\.[0-9.]* = Gauge32: \([0-9]*\).*/\1/p'
}
# each_port_once NOTIFICATION: every port of the role named exactly once.
each_port_once() {
	local got
	got=$(ports "$1" | sort -n | uniq -c | awk '$1 == 1 { print $2 }' | wc -l)
	[ "$got" = $PORTS ] && [ "$(trap_count "$1")" = $PORTS ]
}
skipped_alarms() {
	traps pcNotificationsSkipped | sed -n 's/.*pcNotifySkippedAlarms.0 = Gauge32: \([0-9]*\).*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}

log "all $PORTS ports lost at once"
kill -KILL "$LISTEN_PID_wide"
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)"
wait_for 30 "a pcListenerMissing for each of the $PORTS ports" \
	trap_count_at_least $PORTS pcListenerMissing
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
log "received $(trap_count pcListenerMissing) pcListenerMissing, $(skipped_alarms) told skipped"
each_port_once pcListenerMissing ||
	fail "not every port named once: $(ports pcListenerMissing | sort -n | uniq -c | awk '$1 != 1' | head)"

log "all $PORTS ports back at once"
start_listeners back "${REQUIRED_SPECS[@]}"
wait_for 10 "pcComplianceChanged to compliant again" trap_count_at_least 2 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
wait_for 30 "a pcListenerRestored for each of the $PORTS ports" \
	trap_count_at_least $PORTS pcListenerRestored
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
each_port_once pcListenerRestored ||
	fail "not every port named once: $(ports pcListenerRestored | sort -n | uniq -c | awk '$1 != 1' | head)"

[ "$(skipped_alarms)" = 0 ] || fail "alarms were told skipped: $(traps pcNotificationsSkipped)"
[ "$(mib_value pcNotificationsSuppressed.0)" = 0 ] || fail "pcNotificationsSuppressed is not 0"
[ "$(mib_value pcNotificationsDropped.0)" = 0 ] || fail "pcNotificationsDropped is not 0"
received=$(trap_count '')
[ "$(mib_value pcNotificationsSent.0)" = "$received" ] ||
	fail "pcNotificationsSent $(mib_value pcNotificationsSent.0), received $received"
log "ok: $PORTS pcListenerMissing and $PORTS pcListenerRestored, each port once; $received notifications sent and received"
