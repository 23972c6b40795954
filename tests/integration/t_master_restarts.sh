# SPDX-License-Identifier: ISC
# 20 restarts of the AgentX master in a row (stopped and killed in turn):
# portcomplyd keeps serving after each one, and holds the same number of
# file descriptors at the end as at the start.
. "$(dirname "$0")/lib.sh"

start_snmpd
start_agent
wait_agent_serving
fds_at_start=$(ls "/proc/$AGENT_PID/fd" | wc -l)

for i in $(seq 20); do
	signal=TERM
	[ $((i % 2)) = 0 ] && signal=KILL
	kill -"$signal" "$SNMPD_PID"
	wait "$SNMPD_PID" || true
	start_snmpd
	wait_for 10 "restart $i (SIG$signal): serving again" poll_count_at_least 1
	kill -0 "$AGENT_PID" || fail "portcomplyd exited at restart $i"
done
# Every restart has been answered; let a poll (and its destroy events) settle.
wait_next_poll
fds_at_end=$(ls "/proc/$AGENT_PID/fd" | wc -l)
log "file descriptors: $fds_at_start after the first connection, $fds_at_end after 20 restarts"
[ "$fds_at_end" = "$fds_at_start" ] || fail "file descriptors went from $fds_at_start to $fds_at_end"
lost=$(grep -c 'lost the AgentX master' "$PC_TMP/portcomplyd.log")
[ "$lost" = 20 ] || fail "'lost the AgentX master' logged $lost times for 20 restarts"
log "ok"
