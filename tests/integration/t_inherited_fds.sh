# SPDX-License-Identifier: ISC
# Started with 1,100 inherited descriptors (more than an fd_set holds),
# the daemon closes them first thing: it serves, every descriptor of its
# own stays below FD_SETSIZE (1024), none of the inherited ones is left in
# it or in its privileged processes. A fatal start says one line, with the
# cause, and exits non-zero.
. "$(dirname "$0")/lib.sh"

start_snmpd
write_agent_conf
: >"$PC_TMP/inherited"
ulimit -n 4096
for _ in $(seq 1100); do
	exec {fd}<"$PC_TMP/inherited"
done
log "this shell's highest descriptor: $fd"
start_agent
for ((; fd >= 10; fd--)); do exec {fd}<&-; done
wait_agent_serving
wait_next_poll

holds_inherited() { # PID: lists what it holds of them
	local f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f")" = "$PC_TMP/inherited" ] && echo "${f##*/}"
	done
	return 0
}
for pid in "$AGENT_PID" "$(monitor_pid)" "$(naming_helper_pid)"; do
	[ -n "$pid" ] || fail "a process of the agent is missing"
	left=$(holds_inherited "$pid")
	[ -z "$left" ] || fail "pid $pid ($(cat "/proc/$pid/comm")) kept inherited descriptors: $(echo $left | head -c 200)"
	highest=$(ls /proc/"$pid"/fd | sort -n | tail -n 1)
	[ "$highest" -lt 1024 ] || fail "pid $pid has descriptor $highest"
	log "pid $pid ($(cat "/proc/$pid/comm")): highest descriptor $highest"
done

log "a fatal start: one line naming the cause"
rc=0
"$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$PC_TMP/portcomply.conf" \
	-p "$PC_TMP/no-such-dir/portcomplyd.pid" >"$PC_TMP/out" 2>"$PC_TMP/err" || rc=$?
[ "$rc" = 1 ] || fail "exit $rc"
[ "$(wc -l <"$PC_TMP/err")" = 1 ] || fail "not one line: $(cat "$PC_TMP/err")"
grep -q "cannot write the pid file $PC_TMP/no-such-dir/portcomplyd.pid: No such file or directory" \
	"$PC_TMP/err" || fail "the line does not say why: $(cat "$PC_TMP/err")"
log "ok"
