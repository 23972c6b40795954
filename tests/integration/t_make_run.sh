# SPDX-License-Identifier: ISC
# `make run` (tools/run.sh) as a newcomer starts it: its private snmpd and
# portcomplyd on the generated run/portcomply.conf. A fresh run reports no
# unexpected listener of its own making: the snmpd's UDP port, the source
# port of its notifications and, with AgentX over TCP, the AgentX port are
# listed and ignored (and SMUX, tcp/199, is not opened at all). Run twice:
# AgentX over the default Unix socket, then over TCP.
. "$(dirname "$0")/lib.sh"

# run_make_run NAME [AGENTX]: tools/run.sh with its files in $PC_TMP/NAME;
# checks what the agent reports, then stops it as Ctrl-C would.
run_make_run() {
	local name=$1 agentx=${2:-} dir=$PC_TMP/$1 ignored=2 run_pid
	[ -n "$agentx" ] && ignored=3
	log "make run ($name)"
	PC_RUN_DIR=$dir PC_RUN_AGENTX=$agentx "$PC_ROOT/tools/run.sh" >"$PC_TMP/$name.log" 2>&1 &
	run_pid=$!
	STARTED_PIDS+=("$run_pid")
	wait_for 10 "the private snmpd's pid file" test -s "$dir/snmpd.pid"
	STARTED_PIDS+=("$(cat "$dir/snmpd.pid")")
	wait_for 10 "portcomplyd's pid file" test -s "$dir/portcomplyd.pid"
	STARTED_PIDS+=("$(cat "$dir/portcomplyd.pid")")
	wait_agent_serving 10

	# What the agent serves, and --check on the same generated file.
	[ "$(mib_value pcUnexpectedCount.0)" = 0 ] ||
		fail "$name: pcUnexpectedCount $(mib_value pcUnexpectedCount.0): $("$PC_DAEMON" --check --verbose -c "$dir/portcomply.conf" 2>&1)"
	"$PC_DAEMON" --check --verbose -c "$dir/portcomply.conf" >"$PC_TMP/$name.check" 2>&1 || true
	grep -q "^PORTCOMPLY [A-Z]* - [a-zA-Z]*: .*, 0 unexpected listeners" "$PC_TMP/$name.check" ||
		fail "$name: $(head -n 1 "$PC_TMP/$name.check")"
	# Its sockets, every one ignored (or expected: windows-base's wide
	# rpc-dynamic rule may claim tcp/7050), none unexpected.
	local counts
	counts=$(sed -n 's/^Poll: .* \([0-9]*\) listeners* (\([0-9]*\) expected, 0 unexpected, \([0-9]*\) ignored).*/\1 \2 \3/p' \
		"$PC_TMP/$name.check")
	set -- $counts
	[ $# = 3 ] && [ "$1" = "$ignored" ] && [ $(($2 + $3)) = "$ignored" ] ||
		fail "$name: not the $ignored sockets of the private snmpd: $(grep '^Poll' "$PC_TMP/$name.check")"
	grep -qx "ignore { protocol = \"udp\"  port = 1161 }" "$dir/portcomply.conf" &&
		grep -qx "ignore { protocol = \"udp\"  port = 1163 }" "$dir/portcomply.conf" ||
		fail "$name: the generated configuration lacks the UDP ignores"
	if [ -n "$agentx" ]; then
		grep -qx "ignore { protocol = \"tcp\"  port = ${agentx##*:} }" "$dir/portcomply.conf" ||
			fail "$name: the generated configuration does not ignore the AgentX port"
	fi
	# The ignores are not vacuous: those sockets exist, and nothing on 199.
	ss -Hlun 'sport = :1161' | grep -q . || fail "$name: no udp/1161"
	ss -Hlun 'sport = :1163' | grep -q . || fail "$name: notifications do not leave from udp/1163"
	if [ -n "$agentx" ]; then
		ss -Hltn "sport = :${agentx##*:}" | grep -q . || fail "$name: no AgentX on $agentx"
	fi
	! ss -Hltn 'sport = :199' | grep -q . || fail "$name: SMUX is listening on tcp/199"

	# Ctrl-C stops portcomplyd; the script then stops snmpd and removes its files.
	kill -INT "$(cat "$dir/portcomplyd.pid")"
	wait_for 10 "tools/run.sh to finish" sh -c "! kill -0 $run_pid 2>/dev/null"
	[ ! -e "$dir" ] || fail "$name: $dir is left behind"
	! ss -Hlun 'sport = :1161' | grep -q . || fail "$name: the private snmpd still runs"
}

run_make_run unix
run_make_run tcp tcp:127.0.0.1:7050
log "ok"
