# SPDX-License-Identifier: ISC
# The global rate limit: 20 unexpected listeners appear at once with
# notify-rate-limit = 1; a handful of pcUnexpectedListener get through,
# the rest are counted in pcNotificationsSuppressed, and none is lost
# from the count: received + suppressed = 20.
. "$(dirname "$0")/lib.sh"

# The test's own SNMP clients (snmpget, snmpwalk) hold unconnected UDP
# sockets on ephemeral ports while they run; a poll that catches one sees a
# new listener. The burst is TCP: ignore UDP's ephemeral range so that only
# the burst is counted.
UDP_CLIENTS='ignore { protocol = "udp"  range = {32768, 60999} }'
start_trapd
start_snmpd
write_agent_conf "notify-rate-limit = 1" "$UDP_CLIENTS"
start_agent
wait_agent_serving
wait_for 10 "the first compliance notification" trap_count_at_least 1 pcComplianceChanged
# A whole poll interval (1 s) later, the bucket has its token back: the
# burst below then always gets one through, however fast it is named.
wait_next_poll
suppressed_before=$(mib_value pcNotificationsSuppressed.0)
received_before=$(trap_count pcUnexpectedListener)

specs=()
for i in $(seq 20); do specs+=(tcp/127.0.0.1/0); done
start_listeners burst "${specs[@]}"
all_counted() {
	local s r
	s=$(mib_value pcNotificationsSuppressed.0) || return 1
	r=$(trap_count pcUnexpectedListener)
	[ $((s - suppressed_before + r - received_before)) -ge 20 ]
}
wait_for 15 "20 unexpected listeners to be sent or suppressed" all_counted
received=$(($(trap_count pcUnexpectedListener) - received_before))
suppressed=$(($(mib_value pcNotificationsSuppressed.0) - suppressed_before))
log "20 new listeners at 1 notification/s: $received sent, $suppressed suppressed"
[ $((received + suppressed)) = 20 ] || fail "$received + $suppressed is not 20"
[ "$received" -ge 1 ] && [ "$received" -le 5 ] || fail "$received notifications passed a limit of 1 per second"
[ "$(mib_value pcNotifyRateLimit.0)" = 1 ] || fail "pcNotifyRateLimit is not 1"
log "ok"
