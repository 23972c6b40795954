# SPDX-License-Identifier: ISC
# With poll-interval = 60, a listener that closes leaves pcListenerTable
# within 500 ms: the kernel's destroy event triggers a poll at once. Without
# CAP_NET_ADMIN the subscription is refused: that is logged once and the
# interval polling still sees the change.
# (Linux 6.x lets any user join the destroy groups, so the refusal is
# simulated as a seccomp or LSM policy would make it: tests/preload.)
. "$(dirname "$0")/lib.sh"

start_snmpd
# The UDP service on a port of its choosing: one the kernel picks is a client's.
start_listeners main tcp/127.0.0.1/0 udp/::1/20010 tcp/127.0.0.1/0
write_agent_conf "poll-interval = 60"
start_agent
wait_agent_serving

absent() { ! listed "$@"; }

for spec in "0 tcp 127.0.0.1" "1 udp [::1]"; do
	set -- $spec
	port=$(listener_port main "$1")
	listed "$2" "$3" "$port" || fail "$2 $3:$port not listed to begin with"
	closed_at=$(now_ms)
	listener_do main close "$1"
	wait_for 2 "$2 $3:$port to leave the table" absent "$2" "$3" "$port"
	took=$(($(now_ms) - closed_at))
	log "$2 $3:$port left pcListenerTable $took ms after the close"
	[ "$took" -le 500 ] || fail "took $took ms (> 500 ms) with poll-interval = 60"
done
stop_pid "$AGENT_PID"

log "subscription refused: interval polling still works"
write_agent_conf "poll-interval = 1"
: >"$PC_TMP/portcomplyd.log"
LD_PRELOAD=$PC_BUILD/preload/refuse_destroy_events.so start_bg AGENT_PID \
	"$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$PC_TMP/portcomply.conf" -Lf "$PC_TMP/portcomplyd.log"
wait_agent_serving
wait_for 5 "the refusal to be logged" grep -qi 'destroy event' "$PC_TMP/portcomplyd.log"
port=$(listener_port main 2)
listener_do main close 2
wait_next_poll
absent tcp 127.0.0.1 "$port" || fail "closed listener still listed without destroy events"
wait_next_poll
[ "$(grep -ci 'destroy event' "$PC_TMP/portcomplyd.log")" = 1 ] || fail "the refusal was logged more than once"
log "ok"
