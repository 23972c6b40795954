# SPDX-License-Identifier: ISC
# The daemon itself under valgrind through a working session: it serves
# walks, raises and sends notifications, reloads, loses and regains its
# master, and stops. No memory error, no leak (definite or indirect).
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }

start_trapd
start_snmpd
start_svc_listeners svc
write_agent_conf "hold-down = 1" "$SVC_CATALOG" 'role "svc" {}'
# --vgdb=no: valgrind's gdb FIFOs, made as root, could not be removed by
# the daemon once it runs as $PC_AGENT_USER.
start_bg AGENT_PID valgrind -q --vgdb=no --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect \
	--suppressions="$PC_ROOT/tests/valgrind/netsnmp.supp" --log-file="$PC_TMP/valgrind.log" \
	"$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$PC_TMP/portcomply.conf" -Lf "$PC_TMP/portcomplyd.log"
wait_agent_serving 60
walk_module snmpbulkwalk -Cr25 >/dev/null || fail "walk failed under valgrind"
listener_do svc close 0
wait_for 30 "pcListenerMissing" trap_count_at_least 1 pcListenerMissing "STRING: req"
kill -HUP "$AGENT_PID"
wait_for 30 "the reload" grep -q reloaded "$PC_TMP/portcomplyd.log"
stop_snmpd
wait_for 30 "the lost link" grep -q 'lost the AgentX master' "$PC_TMP/portcomplyd.log"
start_snmpd
wait_for 30 "the reconnection" grep -q 'reconnected to the AgentX master' "$PC_TMP/portcomplyd.log"
walk_module snmpwalk >/dev/null || fail "walk failed after reconnecting"

kill -TERM "$AGENT_PID"
rc=0
wait "$AGENT_PID" || rc=$?
[ "$rc" = 0 ] || fail "portcomplyd under valgrind exited $rc: $(cat "$PC_TMP/valgrind.log")"
[ ! -s "$PC_TMP/valgrind.log" ] || fail "valgrind reported: $(cat "$PC_TMP/valgrind.log")"
log "ok: no memory error, no leak"
