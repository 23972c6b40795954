# SPDX-License-Identifier: ISC
# A master the daemon's user may not reach, as on a Debian host where snmpd
# made /var/agentx 0700 before the package came: the daemon says why and
# names the fix (the directory and its mode), at attempts 1, 2, 4, 8 and
# not in between (a bounded rate, not once, not every retry); `--check`
# shows the link and the reason, in text and JSON; once the directory is
# opened the daemon connects by itself and says after how many attempts.
# Then `--reload` (systemd's ExecReload=): a valid configuration is taken
# (exit 0), an invalid one refused with its FILE:LINE (exit 2) while the
# previous one keeps serving; a user other than root and the daemon's own
# may not reload; with no daemon serving the file, exit 1.
. "$(dirname "$0")/lib.sh"

# snmpd keeps a directory's mode when the directory is there already.
mkdir -m 0700 "$PC_TMP/agentx"
AGENTX_SOCKET=$PC_TMP/agentx/master
start_snmpd
start_svc_listeners svc
write_agent_conf "$SVC_CATALOG" 'role "svc" {}'
conf=$PC_TMP/portcomply.conf
start_agent

why="Permission denied: the directory $PC_TMP/agentx (mode 0700, root:root) does not let the user $PC_AGENT_USER in; fix: chmod 0755 $PC_TMP/agentx"
wait_for 10 "the reason in the log" grep -qF "cannot reach the AgentX master at $AGENTX_SOCKET: $why" \
	"$PC_TMP/portcomplyd.log"

# attempts N: what --check says the daemon has tried (JSON), for wait_for.
attempts_at_least() {
	local n
	n=$("$PC_DAEMON" --check --format json -c "$conf" 2>/dev/null |
		sed -n 's/.*"agent": {"connected": false, .*"attempts": \([0-9]*\),.*/\1/p')
	[ -n "$n" ] && [ "$n" -ge "$1" ]
}
wait_for 30 "nine failed attempts" attempts_at_least 9
said=$(sed -n 's/^cannot reach the AgentX master .*(attempt \([0-9]*\);.*/\1/p' "$PC_TMP/portcomplyd.log" | tr '\n' ' ')
log "reported at attempts: $said"
[ "$said" = "1 2 4 8 " ] || fail "reports at attempts '$said', not at 1 2 4 8"

log "--check shows the link and the reason"
set +e
"$PC_DAEMON" --check -c "$conf" >"$PC_TMP/check.txt" 2>"$PC_TMP/check.err"
rc=$?
set -e
[ "$rc" = 0 ] || fail "--check exit $rc: the ports are compliant whatever the link: $(cat "$PC_TMP/check.txt" "$PC_TMP/check.err")"
sed -n 2p "$PC_TMP/check.txt" | grep -q "^Agent: not connected to its AgentX master at $AGENTX_SOCKET for [0-9]* s ([0-9]* attempts): $why" ||
	fail "--check's second line: $(sed -n 2p "$PC_TMP/check.txt")"
"$PC_DAEMON" --check --brief -c "$conf" | grep -q Agent: && fail "--brief is one line"
"$PC_DAEMON" --check --format json -c "$conf" | grep -qF "\"agent\": {\"connected\": false, \"address\": \"$AGENTX_SOCKET\"" ||
	fail "the JSON report has no agent"

log "the directory opened: connected at the next retry"
chmod 0755 "$PC_TMP/agentx"
wait_agent_serving
grep -q "connected to the AgentX master at $AGENTX_SOCKET after [0-9]* failed attempts" "$PC_TMP/portcomplyd.log" ||
	fail "the connection does not say after how many attempts"
"$PC_DAEMON" --check --format json -c "$conf" | grep -qF '"agent": {"connected": true' ||
	fail "--check does not see the link up"
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant

log "--reload: a valid configuration is taken"
write_agent_conf "$SVC_CATALOG" 'role "svc" {}' 'role "web" { instance = 2 }'
out=$("$PC_DAEMON" --reload -c "$conf" 2>&1) || fail "--reload of a valid configuration: $out"
[[ $out == *"reloaded $conf (2 roles)"* ]] || fail "--reload said: $out"
# The verdict comes after the load: the new role is served already.
[ "$(mib_value pcRoleName.2)" = web ] || fail "the new role is not served after --reload returned"

log "--reload: an invalid one is refused with its line; the previous one serves"
write_agent_conf "$SVC_CATALOG" 'role "svc" {}' 'role "no-such-role" {}'
set +e
"$PC_DAEMON" --reload -c "$conf" >"$PC_TMP/reload.out" 2>"$PC_TMP/reload.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "--reload of an invalid configuration: exit $rc"
grep -q "^$conf:[0-9]*: .*no-such-role" "$PC_TMP/reload.err" || fail "no FILE:LINE: $(cat "$PC_TMP/reload.err")"
grep -q "still serving the previous configuration" "$PC_TMP/reload.err" || fail "--reload: $(cat "$PC_TMP/reload.err")"
[ "$(mib_value pcRoleName.2)" = web ] || fail "the previous configuration no longer serves"
kill -0 "$AGENT_PID" || fail "portcomplyd exited"

log "--reload: only root and the daemon's user; no daemon, exit 1"
set +e
out=$(setpriv --reuid=1 --regid=1 --clear-groups "$PC_DAEMON" --reload -c "$conf" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] && [[ $out == *"uid 1 may not reload"* ]] || fail "another user's --reload: exit $rc: $out"
set +e
out=$("$PC_DAEMON" --reload -c "$PC_ROOT/conf/portcomply.conf" 2>&1)
rc=$?
set -e
[ "$rc" = 1 ] && [[ $out == *"no portcomplyd serves"* ]] || fail "--reload with no daemon: exit $rc: $out"
log "ok"
