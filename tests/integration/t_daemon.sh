# SPDX-License-Identifier: ISC
# Without -f portcomplyd becomes a daemon: the command returns, the pid
# file names the running daemon, it serves, and SIGTERM stops it cleanly
# (pid file removed, AgentX session closed).
. "$(dirname "$0")/lib.sh"

start_snmpd
write_agent_conf
"$PC_DAEMON" -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$PC_TMP/portcomply.conf" -p "$PC_TMP/portcomplyd.pid" \
	-Lf "$PC_TMP/portcomplyd.log" || fail "portcomplyd did not start as a daemon"
wait_for 10 "the pid file" test -s "$PC_TMP/portcomplyd.pid"
pid=$(cat "$PC_TMP/portcomplyd.pid")
STARTED_PIDS+=("$pid")
kill -0 "$pid" || fail "no process $pid"
[ "$(cat "/proc/$pid/comm")" = portcomplyd ] || fail "pid $pid is not portcomplyd"
wait_agent_serving
kill -TERM "$pid"
wait_for 10 "the daemon to exit" sh -c "! kill -0 $pid 2>/dev/null"
[ ! -e "$PC_TMP/portcomplyd.pid" ] || fail "the pid file is still there"
grep -q 'portcomplyd stopping' "$PC_TMP/portcomplyd.log" || fail "no clean stop in the log"
if grep -q 'lost the AgentX master' "$PC_TMP/portcomplyd.log"; then
	fail "its own stop was logged as a lost master"
fi
log "ok"
