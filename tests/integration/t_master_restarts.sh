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
# Every restart has been answered. The daemon opens descriptors for a
# moment (a file it writes, a read of /proc, naming's exchanges), at either
# count: a leak is a count that stays above the first one.
fd_count() { ls "/proc/$AGENT_PID/fd" | wc -l; }
no_more_fds_than_at_start() { [ "$(fd_count)" -le "$fds_at_start" ]; }
wait_for 30 "no more descriptors than after the first connection ($fds_at_start)" no_more_fds_than_at_start
log "file descriptors: $fds_at_start after the first connection, $(fd_count) after 20 restarts"
lost=$(grep -c 'lost the AgentX master' "$PC_TMP/portcomplyd.log")
[ "$lost" = 20 ] || fail "'lost the AgentX master' logged $lost times for 20 restarts"
log "ok"
