#!/usr/bin/env bash
# serve_bench.sh: what portcomplyd's threads and its naming helper spend per
# poll on a host with many listeners, against the raw sock_diag dump of the
# same sockets (bench/README.md, "Serve bench").
#
#   bench/serve_bench.sh [--listeners N] [--polls P] [--runs R]
#
# Needs root. Runs in a private network namespace (unshare -n): N listeners
# held by many_listeners, an snmpd of its own (AgentX master) and
# portcomplyd attached to it (poll-interval 1, resolve-processes on, a role
# so that the engine has expectations to judge), started as the integration
# tests start them (tests/integration/lib.sh). For each of R runs it counts
# P polls and reads, from /proc, the on-CPU time (schedstat) of the SNMP
# thread, the poll thread and the naming helper over them; then times the
# raw dump (many_listeners --dump). While it measures, a client walks one
# listener column over and over, so that the SNMP thread serves requests as
# polls arrive, as it does on a polled host.
#
# Exit status: 0 the target is met (daemon CPU per poll at most 2x the raw
# dump), 1 it is missed, 2 the bench failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD:-build}
[[ $build = /* ]] || build=$root/$build

listeners=50000 polls=20 runs=3
usage() {
	echo "usage: bench/serve_bench.sh [--listeners N] [--polls P] [--runs R]" >&2
	exit 2
}
args=("$@")
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage
	case $1 in
	--listeners) listeners=$2 ;;
	--polls) polls=$2 ;;
	--runs) runs=$2 ;;
	*) usage ;;
	esac
	shift 2
done
[ "$listeners" -ge 1000 ] && [ "$polls" -ge 5 ] && [ "$runs" -ge 1 ] || usage

# ---- outside: make the namespace, keep the files of a failed run ----
if [ -z "${PC_TMP:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "serve_bench: run as root (the bench needs a private network namespace)" >&2
		exit 2
	fi
	for bin in portcomplyd bench/many_listeners; do
		[ -x "$build/$bin" ] || { echo "serve_bench: $build/$bin is missing (make bench)" >&2; exit 2; }
	done
	tmp=$(mktemp -d /tmp/portcomply-serve.XXXXXX)
	chmod 0755 "$tmp"
	set +e
	PC_ROOT=$root PC_BUILD=$build PC_TMP=$tmp \
		unshare --net -- sh -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "${args[@]}"
	rc=$?
	set -e
	if [ "$rc" -ge 2 ]; then
		echo "serve_bench: failed (exit $rc); files kept in $tmp" >&2
		exit 2
	fi
	rm -rf "$tmp"
	exit "$rc"
fi

# ---- inside the namespace: measure ----
. "$root/tests/integration/lib.sh"
bail() {
	echo "serve_bench: $*" >&2
	exit 2
}

# oncpu_ms TASK_DIR: nanoseconds on CPU (schedstat), in ms.
oncpu_ms() {
	awk '{ printf "%.3f", $1 / 1e6 }' "$1/schedstat"
}

mkfifo "$PC_TMP/hold.in"
"$PC_BUILD/bench/many_listeners" --hold "$listeners" <"$PC_TMP/hold.in" >"$PC_TMP/hold.out" &
hold_pid=$!
STARTED_PIDS+=("$hold_pid")
exec {hold_fd}>"$PC_TMP/hold.in"
holding() {
	kill -0 "$hold_pid" || bail "many_listeners --hold $listeners failed"
	grep -q '^listeners' "$PC_TMP/hold.out"
}
wait_for 120 "$listeners listeners" holding

start_snmpd
write_agent_conf 'role "icm-router" { instance = 0  side = "a" }' "poll-interval = 1"
start_agent
listener_count_at_least() {
	local n
	n=$(snmp_get_value "$OID_LISTENER_COUNT" 2>/dev/null) && [ "$n" -ge "$1" ]
}
wait_for 120 "portcomplyd to serve $listeners listeners" listener_count_at_least "$listeners"

# The threads: the main thread (the SNMP thread) has the process's id; the
# poll thread is the first one it starts (the loader thread the second).
tasks=$(ls "/proc/$AGENT_PID/task" | sort -n)
snmp_task=/proc/$AGENT_PID/task/$AGENT_PID
poll_task=/proc/$AGENT_PID/task/$(grep -vx "$AGENT_PID" <<<"$tasks" | head -n 1)
helper=$(pgrep -P "$AGENT_PID" -x portcomply-priv || true)
[ -n "$helper" ] || bail "no naming helper (portcomply-priv) under portcomplyd $AGENT_PID"

# Requests while it polls: a walk of one listener column, again and again.
walker() {
	while :; do
		snmpbulkwalk -v2c -c public -Cr25 -t 5 -r 0 -On "$SNMP_TARGET" "$OID_LISTENER_SOCKETS" >/dev/null 2>&1 || true
	done
}
[ -n "${SERVE_WALKER:-}" ] && walker &
STARTED_PIDS+=("$!")

# Steady state first: the helper has named every listener once.
wait_next_poll 120
wait_next_poll 120
for run in $(seq "$runs"); do
	p0=$(poll_count)
	s0=$(oncpu_ms "$snmp_task") t0=$(oncpu_ms "$poll_task") h0=$(oncpu_ms "/proc/$helper")
	wait_for 300 "$polls polls" poll_count_at_least $((p0 + polls))
	p1=$(poll_count)
	s1=$(oncpu_ms "$snmp_task") t1=$(oncpu_ms "$poll_task") h1=$(oncpu_ms "/proc/$helper")
	awk -v n=$((p1 - p0)) -v s=$s0,$s1 -v t=$t0,$t1 -v h=$h0,$h1 -v run="$run" 'BEGIN {
		split(s, S, ","); split(t, T, ","); split(h, H, ",")
		printf "run %d polls=%d snmp_ms=%.3f poll_ms=%.3f helper_ms=%.3f\n", run, n,
			(S[2] - S[1]) / n, (T[2] - T[1]) / n, (H[2] - H[1]) / n }'
	"$PC_BUILD/bench/many_listeners" --dump 20 | sed "s/^/run $run /"
done
