#!/bin/bash
# SPDX-License-Identifier: ISC
# The collector's socket set (`portcomplyd --listeners --all`: every bound
# UDP socket, clients' too, as ss shows them) against `ss -Hltun`, over a
# random mix of 200 listeners: TCP and UDP on
# 127.0.0.1, 0.0.0.0, ::1, :: dual-stack, :: v6-only and ::ffff:127.0.0.1,
# some in SO_REUSEPORT groups, some IPv4 and v6-only wildcards sharing a
# port. Compared: the set of (protocol, address, port) and the socket count
# of each (ss lists every member of a reuseport group; the collector folds
# them). Then a random quarter of them is closed and the comparison redone.
#
# Runs inside a private network namespace (tests/integration/run.sh does
# that). By hand:
#   PC_ROOT=$PWD PC_BUILD=$PWD/build PC_TMP=$(mktemp -d) unshare -n -- \
#     sh -c 'ip link set lo up && exec bash tests/integration/t_collector_vs_ss.sh'
# PC_SEED=N replays one mix (the seed is printed).
set -euo pipefail
: "${PC_ROOT:?}" "${PC_BUILD:?}" "${PC_TMP:?}"

if [ -x "$PC_BUILD/portcomplyd" ]; then
	listeners=("$PC_BUILD/portcomplyd" --listeners --all)
elif [ -x "$PC_BUILD/bench/listeners" ]; then
	listeners=("$PC_BUILD/bench/listeners" --all)
else
	echo "skip: neither $PC_BUILD/portcomplyd nor $PC_BUILD/bench/listeners is built" >&2
	exit 77
fi
command -v ss >/dev/null || { echo "skip: no ss" >&2; exit 77; }
to_ss_form=$PC_ROOT/tests/helpers/ss-listeners.awk

seed=${PC_SEED:-$(( $(date +%s%N) % 32768 ))}
RANDOM=$seed
echo "t_collector_vs_ss: seed $seed (PC_SEED=$seed replays this mix)"

# 200 specs on distinct ports, so that no two binds collide, except the
# deliberate pairs of an IPv4 wildcard and a v6-only one on one port.
declare -A used=()
pick_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		[ -z "${used[$p]:-}" ] && break
	done
	used[$p]=1
	port=$p
}
kinds=("127.0.0.1" "0.0.0.0" "::1" "::" "::/v6only" "::ffff:127.0.0.1")
specs=()
while [ ${#specs[@]} -lt 200 ]; do
	proto=$([ $((RANDOM % 2)) = 0 ] && echo tcp || echo udp)
	pick_port
	if [ $((RANDOM % 12)) = 0 ] && [ ${#specs[@]} -le 198 ]; then
		specs+=("$proto/0.0.0.0/$port" "$proto/::/$port/v6only")
		continue
	fi
	kind=${kinds[$((RANDOM % ${#kinds[@]}))]}
	addr=${kind%%/*}
	options=()
	[ "$kind" = "::/v6only" ] && options+=(v6only)
	[ $((RANDOM % 8)) = 0 ] && options+=("reuseport=$((2 + RANDOM % 4))")
	spec="$proto/$addr/$port"
	[ ${#options[@]} -gt 0 ] && spec="$spec/$(IFS=,; echo "${options[*]}")"
	specs+=("$spec")
done
printf '%s\n' "${specs[@]}" >"$PC_TMP/specs.txt"

helper_pid=
cleanup() {
	if [ -n "$helper_pid" ]; then
		kill "$helper_pid" 2>/dev/null || true
		wait "$helper_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

coproc HELPER { exec "$PC_BUILD/helpers/listen" "${specs[@]}"; }
helper_pid=$HELPER_PID
helper_out=${HELPER[0]}
helper_in=${HELPER[1]}
# Readiness: the helper prints "ready" once every socket is bound.
while read -r line <&"$helper_out"; do
	[ "$line" = ready ] && break
done
[ "$line" = ready ] || { echo "FAIL: the listener helper did not start" >&2; exit 1; }

compare() {
	local round=$1
	"${listeners[@]}" >"$PC_TMP/ours.$round.txt"
	ss -Hltun >"$PC_TMP/ss.$round.raw"
	[ "$(head -n 1 "$PC_TMP/ours.$round.txt" | tr -s ' ')" = "PROTO ADDRESS PORT SOCKETS PID PROCESS DEVICE LISTENER WHY" ] ||
		{ echo "FAIL ($round): no header line: $(head -n 1 "$PC_TMP/ours.$round.txt")" >&2; exit 1; }
	awk 'NR > 1 { print $1, $2, $3, $4 }' "$PC_TMP/ours.$round.txt" | LC_ALL=C sort >"$PC_TMP/ours.$round"
	awk -f "$to_ss_form" "$PC_TMP/ss.$round.raw" | LC_ALL=C sort >"$PC_TMP/ss.$round"
	if ! diff -u "$PC_TMP/ss.$round" "$PC_TMP/ours.$round" >"$PC_TMP/diff.$round"; then
		echo "FAIL ($round): the collector and ss disagree (- ss, + collector):" >&2
		cat "$PC_TMP/diff.$round" >&2
		exit 1
	fi
	local n families
	n=$(wc -l <"$PC_TMP/ours.$round")
	families=$(awk '{ print $1 ($2 ~ /^\[|^\*/ ? "6" : "4") }' "$PC_TMP/ours.$round" | sort -u | tr '\n' ' ')
	echo "  $round: $n listeners agree with ss ($families)"
	# Process resolution, when on: every listener is the helper's.
	if awk -v pid="$helper_pid" 'NR > 1 && $5 != "-" && ($5 != pid || $6 != "listen") { bad = 1 } END { exit !bad }' \
		"$PC_TMP/ours.$round.txt"; then
		echo "FAIL ($round): a listener is attributed to another process than the helper ($helper_pid):" >&2
		awk -v pid="$helper_pid" 'NR > 1 && $5 != pid' "$PC_TMP/ours.$round.txt" >&2
		exit 1
	fi
}

compare initial

# Close a random quarter of the specs and compare again.
closing=()
for i in $(seq 0 199); do
	[ $((RANDOM % 4)) = 0 ] && closing+=("$i")
done
for i in "${closing[@]}"; do
	echo "close $i" >&"$helper_in"
	read -r line <&"$helper_out"
	[ "$line" = "closed $i" ] || { echo "FAIL: helper said '$line' to 'close $i'" >&2; exit 1; }
done
echo "  closed ${#closing[@]} specs"
compare after-close

echo quit >&"$helper_in"
wait "$helper_pid" || true
helper_pid=
echo "t_collector_vs_ss: pass"
