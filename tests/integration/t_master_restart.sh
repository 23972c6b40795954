# SPDX-License-Identifier: ISC
# The AgentX master goes away (stopped, then killed) and comes back:
# portcomplyd never exits, reconnects by itself, and serves again within
# 10 s; each change of the link is logged once.
. "$(dirname "$0")/lib.sh"

start_snmpd
start_agent
wait_agent_serving

for signal in TERM KILL; do
	log "snmpd stopped with SIG$signal, then started again"
	kill -"$signal" "$SNMPD_PID"
	wait "$SNMPD_PID" || true
	kill -0 "$AGENT_PID" || fail "portcomplyd exited when the master went away"
	start_snmpd
	started=$(now_ms)
	wait_for 10 "the walk to work again after SIG$signal" poll_count_at_least 1
	log "serving again $(($(now_ms) - started)) ms after snmpd answered"
	[ -n "$(listener_table)" ] || fail "pcListenerTable is empty after reconnecting"
	kill -0 "$AGENT_PID" || fail "portcomplyd exited"
done

lost=$(grep -c 'lost the AgentX master' "$PC_TMP/portcomplyd.log" || true)
back=$(grep -c 'reconnected to the AgentX master' "$PC_TMP/portcomplyd.log" || true)
[ "$lost" = 2 ] || fail "expected 2 'lost' lines, got $lost"
[ "$back" = 2 ] || fail "expected 2 'reconnected' lines, got $back"
log "ok"
