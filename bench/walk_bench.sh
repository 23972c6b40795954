#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# walk_bench.sh: snmpbulkwalk -Cr25 of PORT-COMPLIANCE-MIB::pcListenerTable
# against net-snmp's own TCP-MIB::tcpListenerTable for the same 1,000 TCP
# listeners, warm and cold, with 0 and then 50,000 established loopback
# connections, in one run (bench/README.md, "Walk bench").
#
#   bench/walk_bench.sh [--connections N] [--workers W] [--rounds R]
#                       [--cold-rounds C] [--idle SECONDS]
#   bench/walk_bench.sh --report FILE    the report of a saved run's results
#
# Needs root. Everything runs in a private network namespace (unshare -n):
# an snmpd of its own (AgentX master, udp 127.0.0.1:1161) and portcomplyd,
# started as the integration tests start them (tests/integration/lib.sh);
# the listeners and connections of poll_bench's scenario, held by
# `poll_bench --hold --tcp-only`. walk_bench times the walks (the GETBULK
# walk snmpbulkwalk makes, without the client's start-up). The raw results
# of the last run are left in $BUILD/bench/walk_bench.results.
#
# Exit status: 0 targets met, 1 a target missed, 2 the bench failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD:-build}
[[ $build = /* ]] || build=$root/$build

connections=50000 workers=10 rounds=15 cold_rounds=8 idle=6
usage() {
	echo "usage: bench/walk_bench.sh [--connections N] [--workers W] [--rounds R]" \
		"[--cold-rounds C] [--idle SECONDS] | --report FILE" >&2
	exit 2
}
report_only=
if [ $# = 2 ] && [ "$1" = --report ]; then
	report_only=$2
	set --
fi
args=("$@")
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || usage
	case $1 in
	--connections) connections=$2 ;;
	--workers) workers=$2 ;;
	--rounds) rounds=$2 ;;
	--cold-rounds) cold_rounds=$2 ;;
	--idle) idle=$2 ;;
	*) usage ;;
	esac
	shift 2
done
# Cold: idle longer than poll-interval (5 s) and the cache timeout set below (5 s).
[ "$idle" -ge 6 ] && [ "$rounds" -ge 3 ] && [ "$cold_rounds" -ge 2 ] || usage

# report RESULTS: the tables, the ratios and the targets; exit status 1 when
# a target is missed.
report() {
	awk '
function median(list,   v, n, i, j, t) {
	n = split(list, v, ",")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	lo = v[1]; hi = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function cell(p, kind, name,   key, m) {
	key = p SUBSEP kind SUBSEP name
	if (!(key in times)) return sprintf("%21s", "-")
	m = median(times[key])
	med[p, kind, name] = m
	return sprintf("%21s", sprintf("%.1f (%.1f-%.1f)", m, lo, hi))
}
function ratio(a, b) { return b > 0 && a > 0 ? sprintf("%7.2fx", a / b) : "      -" }
function costs(p, kind, name, label,   key, nl, axr) {
	key = p SUBSEP kind SUBSEP name; nl = nlines[key]
	if (!nl) return
	axr = (p SUBSEP name) in ax ? ax[p, name] : "-"
	printf "  %-22s %8d %6d %8s %7s   %6.1f (%5.1f+%5.1f) %6.0f   %6.1f (%5.1f+%5.1f) %6.0f\n", label, vb[key], rq[key], axr, \
		axr ~ /^[0-9]+$/ ? sprintf("%.1f", med[p, kind, name] * 1000 / axr) : "-", \
		cpu[key, 0] / nl, usr[key, 0] / nl, sys[key, 0] / nl, vcsw[key, 0] / nl, \
		cpu[key, 1] / nl, usr[key, 1] / nl, sys[key, 1] / nl, vcsw[key, 1] / nl
}
{
	delete f
	for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); f[k] = v }
	p = f["phase"]; kind = f["kind"]
	if (kind == "meta") { for (k in f) meta[k] = f[k]; next }
	if (!(p in seen)) { seen[p] = 1; phases[++n_phases] = p }
	if (kind == "count") { for (k in f) cnt[p, k] = f[k]; next }
	if (kind == "agentx") { for (k in f) if (k != "phase" && k != "kind") ax[p, k] = f[k]; next }
	key = p SUBSEP kind SUBSEP f["name"]
	times[key] = (ntimes[key]++ ? times[key] "," : "") f["times"]
	if (kind != "e2e") {
		nlines[key] += f["walks"]
		vb[key] = f["varbinds"]; rq[key] = f["requests"]
		for (q = 0; q <= 1; q++) {
			cpu[key, q] += f["oncpu" q] * f["walks"]; usr[key, q] += f["user" q] * f["walks"]
			sys[key, q] += f["sys" q] * f["walks"]; vcsw[key, q] += f["vcsw" q] * f["walks"]
		}
	}
}
END {
	printf "portcomply walk bench: %d TCP listener rows (%d sockets), kernel %s, %d CPUs\n", meta["rows"], meta["sockets"], meta["kernel"], meta["cpus"]
	printf "other load on the machine: loadavg %s at the start, %s at the end; CPU pressure (some, avg60) %s%% / %s%%\n", \
		meta["load_start"], meta["load_end"], meta["psi_start"], meta["psi_end"]
	printf "wall-clock ms per walk, median (min-max): %d walks each, interleaved; cold: the first walk after %d s idle, %d rounds\n", meta["rounds"], meta["idle"], meta["cold_rounds"]
	printf "placement: free = as the scheduler puts them; 1 CPU = client, snmpd and portcomplyd pinned to CPU 0; 2 CPUs = snmpd on 0, portcomplyd on 1\n\n"
	for (i = 1; i <= n_phases; i++) {
		p = phases[i]
		printf "== %d established connections ==\n", p
		printf "rows: tcpListenerTable %d (TCP ports besides the 1,000: %s); pcListenerTable %d = %d TCP (the same ports) + UDP %s\n\n", \
			cnt[p, "tcp_rows"], cnt[p, "extra_tcp_ports"], cnt[p, "pc_rows"], cnt[p, "pc_tcp_rows"], cnt[p, "pc_udp"]
		printf "%-40s %21s %21s %21s %21s\n", "", "free, warm", "1 CPU, warm", "1 CPU, cold", "2 CPUs, warm"
		printf "%-40s %s %s %s %s\n", "net-snmp: tcpListenerTable (1 column)", cell(p, "free", "tcp"), cell(p, "one_cpu", "tcp"), cell(p, "cold", "tcp"), cell(p, "two_cpus", "tcp")
		printf "%-40s %s %s %s %s\n", "ours: pcListenerSockets (1 column)", cell(p, "free", "col"), cell(p, "one_cpu", "col"), cell(p, "cold", "col"), cell(p, "two_cpus", "col")
		printf "%-40s %s %s %s\n", "ours: pcListenerTable (6 columns)", cell(p, "free", "table"), cell(p, "one_cpu", "table"), cell(p, "cold", "table")
		printf "%-40s %s %s\n", "ours: 6 columns in one GETBULK", cell(p, "free", "multi"), cell(p, "one_cpu", "multi")
		printf "%-40s %s\n", "floor: 1,000 Unix-socket round trips", cell(p, "free", "floor")
		printf "%-40s %s\n", "process: snmpbulkwalk tcpListenerTable", cell(p, "e2e", "tcp")
		printf "%-40s %s\n", "process: snmpbulkwalk pcListenerSockets", cell(p, "e2e", "col")
		printf "%-40s %s\n", "process: snmptable -Cr 25 pcListenerTable", cell(p, "e2e", "snmptable")
		printf "\n  per walk               varbinds  GETBULK  AgentX  us/AgentX  snmpd ms cpu (user+sys) vcsw   portcomplyd ms cpu (user+sys) vcsw\n"
		split("free one_cpu cold two_cpus", kinds, " ")
		split("tcp col table multi", names, " ")
		for (k = 1; k <= 4; k++)
			for (j = 1; j <= 4; j++)
				costs(p, kinds[k], names[j], names[j] ", " kinds[k])
		printf "\n  ratios (median / median)                 free, warm  1 CPU, warm  1 CPU, cold  2 CPUs, warm\n"
		printf "  ours 1 column / net-snmp                %s     %s     %s     %s\n", ratio(med[p, "free", "col"], med[p, "free", "tcp"]), \
			ratio(med[p, "one_cpu", "col"], med[p, "one_cpu", "tcp"]), ratio(med[p, "cold", "col"], med[p, "cold", "tcp"]), ratio(med[p, "two_cpus", "col"], med[p, "two_cpus", "tcp"])
		printf "  ours whole table / net-snmp             %s     %s     %s\n", ratio(med[p, "free", "table"], med[p, "free", "tcp"]), \
			ratio(med[p, "one_cpu", "table"], med[p, "one_cpu", "tcp"]), ratio(med[p, "cold", "table"], med[p, "cold", "tcp"])
		printf "  ours 6 columns in one GETBULK / net-snmp %s     %s\n", ratio(med[p, "free", "multi"], med[p, "free", "tcp"]), ratio(med[p, "one_cpu", "multi"], med[p, "one_cpu", "tcp"])
		printf "  floor / net-snmp                        %s\n", ratio(med[p, "free", "floor"], med[p, "free", "tcp"])
		printf "  snmpbulkwalk processes: ours 1 column / net-snmp %s\n", ratio(med[p, "e2e", "col"], med[p, "e2e", "tcp"])
		printf "  cold / warm, 1 CPU: ours 1 column %s, ours whole table %s, net-snmp %s\n\n", ratio(med[p, "cold", "col"], med[p, "one_cpu", "col"]), \
			ratio(med[p, "cold", "table"], med[p, "one_cpu", "table"]), ratio(med[p, "cold", "tcp"], med[p, "one_cpu", "tcp"])
		warm_ok[p] = med[p, "one_cpu", "col"] <= med[p, "one_cpu", "tcp"]
		cold_ok[p] = med[p, "cold", "col"] <= 1.5 * med[p, "one_cpu", "col"] && med[p, "cold", "table"] <= 1.5 * med[p, "one_cpu", "table"]
	}
	printf "net-snmp tcpListenerTable cache timeout: %d s (nsCacheTimeout); 600 s during the warm walks, 5 s for the cold ones;\n", meta["default_timeout"]
	printf "udpEndpointTable (reached by the last GETBULK of a tcpListenerTable walk) kept loaded\n"
	printf "targets are judged on 1 CPU (client, snmpd and portcomplyd on CPU 0): the placement where both walks are fastest and steadiest\n\n"
	fails = 0
	for (i = 1; i <= n_phases; i++) {
		p = phases[i]
		printf "target at %d connections: ours (1 column) warm no slower than net-snmp warm: %.2fx  %s\n", p, med[p, "one_cpu", "col"] / med[p, "one_cpu", "tcp"], warm_ok[p] ? "PASS" : "FAIL"
		printf "target at %d connections: no cold spike (ours cold within 1.5x of ours warm): %.2fx, whole table %.2fx  %s\n", p, med[p, "cold", "col"] / med[p, "one_cpu", "col"], med[p, "cold", "table"] / med[p, "one_cpu", "table"], cold_ok[p] ? "PASS" : "FAIL"
		fails += !warm_ok[p] + !cold_ok[p]
	}
	exit (fails > 0 ? 1 : 0)
}' "$1"
}

# ---- outside: make the namespace, report, keep the files of a failed run ----
if [ -n "$report_only" ]; then
	report "$report_only"
	exit
fi
if [ -z "${PC_TMP:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "walk_bench: run as root (the bench needs a private network namespace)" >&2
		exit 2
	fi
	for tool in snmpd snmpbulkwalk snmpset snmptable taskset unshare; do
		command -v "$tool" >/dev/null || { echo "walk_bench: $tool is missing" >&2; exit 2; }
	done
	if [ "$(nproc)" -lt 2 ]; then
		echo "walk_bench: needs 2 CPUs (it compares placements of snmpd and portcomplyd)" >&2
		exit 2
	fi
	for bin in portcomplyd bench/poll_bench bench/walk_bench; do
		[ -x "$build/$bin" ] || { echo "walk_bench: $build/$bin is missing (make bench)" >&2; exit 2; }
	done
	tmp=$(mktemp -d /tmp/portcomply-walk.XXXXXX)
	set +e
	PC_ROOT=$root PC_BUILD=$build PC_TMP=$tmp \
		unshare --net -- sh -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "${args[@]}"
	rc=$?
	set -e
	if [ "$rc" != 0 ]; then
		echo "walk_bench: failed (exit $rc); files kept in $tmp" >&2
		exit 2
	fi
	cp "$tmp/results" "$build/bench/walk_bench.results"
	rm -rf "$tmp"
	report "$build/bench/walk_bench.results"
	exit
fi

# ---- inside the namespace: measure ----
. "$root/tests/integration/lib.sh"
fail() {
	echo "walk_bench: $*" >&2
	exit 2
}

TCP_TABLE=.1.3.6.1.2.1.6.20
PC_TABLE=$ROOT_OID.1.3
PC_COLUMN=$ROOT_OID.1.3.1 # .5 pcListenerSockets ... .10 pcListenerRule
NS_CACHE=.1.3.6.1.4.1.8072.1.5.3.1 # NET-SNMP-AGENT-MIB::nsCacheEntry
CACHE_TIMEOUT=$NS_CACHE.2$TCP_TABLE
CACHE_STATUS=$NS_CACHE.3$TCP_TABLE
# A walk's last GETBULK reaches past tcpListenerTable into udpEndpointTable,
# whose cache (60 s) reloads with the same /proc/*/fd walk: kept loaded, so
# that net-snmp's cold walk costs its tcpListenerTable reload and no more.
UDP_CACHE_TIMEOUT=$NS_CACHE.2.1.3.6.1.2.1.7.7
RESULTS=$PC_TMP/results
ALL_CPUS=0-$(($(nproc) - 1))
: >"$RESULTS"

walk_oid() { # walk_oid NAME: the OID(s) walked under that name
	case $1 in
	tcp) echo "$TCP_TABLE" ;;
	col) echo "$PC_COLUMN.5" ;;
	table) echo "$PC_TABLE" ;;
	multi) echo "$PC_COLUMN.5,$PC_COLUMN.6,$PC_COLUMN.7,$PC_COLUMN.8,$PC_COLUMN.9,$PC_COLUMN.10" ;;
	esac
}

psi() { awk '$1 == "some" { sub(/avg60=/, "", $3); print $3 }' /proc/pressure/cpu 2>/dev/null || echo "?"; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /) psi_start=$(psi)

# The scenario: 1,000 TCP listener rows (1,030 sockets), connections on demand.
coproc HOLD { exec "$PC_BUILD/bench/poll_bench" --hold --tcp-only --connections "$connections" \
	--workers "$workers" 2>"$PC_TMP/hold.log"; }
STARTED_PIDS+=("$HOLD_PID")
read -r -t 60 word rows sockets <&"${HOLD[0]}" && [ "$word" = listeners ] ||
	fail "poll_bench --hold did not start: $(cat "$PC_TMP/hold.log")"
log "$rows TCP listener rows ($sockets sockets)"

start_snmpd
write_agent_conf "poll-interval = 5" "resolve-processes = true" "agentx-retry = 5"
start_agent
wait_agent_serving 20
wait_next_poll 20

cache_set() { # cache_set SECONDS [OID]: net-snmp's timeout for its tcpListenerTable cache
	snmpset -v2c -c private -t 5 -r 0 -Oqv "$SNMP_TARGET" "${2:-$CACHE_TIMEOUT}" i "$1" >/dev/null
}
cache_status() { # cached(4) or expired(5)
	snmpget -v2c -c public -t 5 -r 0 -Oqve "$SNMP_TARGET" "$CACHE_STATUS"
}
default_timeout=$(snmp_get_value "$CACHE_TIMEOUT")
cache_set 3600 "$UDP_CACHE_TIMEOUT"

# walks PHASE KIND ROUNDS NAME...: timed walks, tagged, into RESULTS. On
# one CPU (one_cpu, cold) the client runs on CPU 0 too; elsewhere it is free.
walks() {
	local phase=$1 kind=$2 n=$3 name specs=() floor=() cpu=(taskset -c "$ALL_CPUS")
	shift 3
	for name in "$@"; do specs+=("$name=$(walk_oid "$name")"); done
	[ "$kind" != free ] || floor=(-u 1000)
	[ "$kind" != one_cpu ] && [ "$kind" != cold ] || cpu=(taskset -c 0)
	"${cpu[@]}" "$PC_BUILD/bench/walk_bench" -r 25 -n "$n" -p "$SNMPD_PID" -p "$AGENT_PID" \
		"${floor[@]}" "$SNMP_TARGET" "${specs[@]}" | sed "s/^/phase=$phase kind=$kind /" >>"$RESULTS"
}

# place CPUS CPUS: pin snmpd and portcomplyd (all threads)
place() {
	taskset -apc "$1" "$SNMPD_PID" >/dev/null
	taskset -apc "$2" "$AGENT_PID" >/dev/null
}

# agentx_requests NAME: the AgentX requests portcomplyd answers during one
# walk (its sendto calls, one per response), counted by strace around a
# walk that is not timed.
agentx_requests() {
	command -v strace >/dev/null || { echo "?"; return; }
	local out=$PC_TMP/strace.out tracer
	strace -f -c -e trace=sendto -o "$out" -p "$AGENT_PID" 2>/dev/null &
	tracer=$!
	sleep 0.5
	"$PC_BUILD/bench/walk_bench" -r 25 -n 1 "$SNMP_TARGET" "$1=$(walk_oid "$1")" >/dev/null
	sleep 0.2
	kill -INT "$tracer"
	wait "$tracer" || true
	awk '$NF == "sendto" { print $(NF - 1) }' "$out"
}

# ms_since T0: milliseconds since $EPOCHREALTIME was T0
ms_since() {
	local t1=$EPOCHREALTIME
	awk -v a="$1" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }'
}

# phase PHASE: everything measured at one number of connections
phase() {
	local p=$1 r t0 tcp=() col=() table=()

	log "$p connections: the same listeners in both tables"
	snmpbulkwalk -v2c -c public -t 10 -r 0 -On -Cr25 "$SNMP_TARGET" "$TCP_TABLE" >"$PC_TMP/tcp.walk"
	snmpbulkwalk -v2c -c public -t 10 -r 0 -On -Cr25 "$SNMP_TARGET" "$PC_COLUMN.5" >"$PC_TMP/pc.walk"
	# The port is the last sub-identifier; pcListenerProtocol the first of the index.
	awk '{ n = split($1, s, "."); print s[n] }' "$PC_TMP/tcp.walk" | sort -n >"$PC_TMP/tcp.ports"
	for proto in 6 17; do
		awk -v col="$PC_COLUMN.5.$proto." 'index($1, col) == 1 { n = split($1, s, "."); print s[n] }' \
			"$PC_TMP/pc.walk" | sort -n >"$PC_TMP/pc.$proto.ports"
	done
	cmp -s "$PC_TMP/tcp.ports" "$PC_TMP/pc.6.ports" ||
		fail "tcpListenerTable and pcListenerTable's TCP rows list different ports"
	echo "phase=$p kind=count tcp_rows=$(wc -l <"$PC_TMP/tcp.walk")" \
		"pc_rows=$(wc -l <"$PC_TMP/pc.walk") pc_tcp_rows=$(wc -l <"$PC_TMP/pc.6.ports")" \
		"extra_tcp_ports=$(awk '$1 < 10000 || $1 > 10999' "$PC_TMP/tcp.ports" | paste -sd+)" \
		"pc_udp=$(paste -sd+ "$PC_TMP/pc.17.ports")" >>"$RESULTS"

	log "warm walks, free placement: $rounds rounds"
	cache_set 600 # valid through the warm walks, whatever they cost
	snmpbulkwalk -v2c -c public -t 10 -r 0 -On -Cr25 "$SNMP_TARGET" "$TCP_TABLE" >/dev/null
	[ "$(cache_status)" = 4 ] || fail "net-snmp's cache is not loaded before the warm walks"
	walks "$p" free "$rounds" tcp col table multi

	log "warm walks, snmpd on CPU 0, portcomplyd on CPU 1"
	place 0 1
	walks "$p" two_cpus "$rounds" tcp col

	log "warm walks, the client, snmpd and portcomplyd on CPU 0"
	place 0 0
	walks "$p" one_cpu "$rounds" tcp col table multi

	log "cold walks, on CPU 0: $cold_rounds rounds of $idle s idle, then the first walk to each agent"
	cache_set 5
	# Each round walks net-snmp's table and one of ours, each the first walk
	# its agent serves after the idle time; the order alternates.
	local orders=("tcp col" "table tcp" "col tcp" "tcp table")
	for ((r = 0; r < cold_rounds; r++)); do
		sleep "$idle"
		[ "$(cache_status)" = 5 ] || fail "net-snmp's cache has not expired after $idle s"
		# shellcheck disable=SC2086 # two names
		walks "$p" cold 1 ${orders[r % 4]}
	done
	cache_set "$default_timeout"
	place "$ALL_CPUS" "$ALL_CPUS"

	log "the snmpbulkwalk and snmptable processes, start to exit"
	for _ in 1 2 3 4 5; do
		t0=$EPOCHREALTIME
		snmpbulkwalk -v2c -c public -t 10 -r 0 -On -Cr25 "$SNMP_TARGET" "$TCP_TABLE" >/dev/null
		tcp+=("$(ms_since "$t0")")
		t0=$EPOCHREALTIME
		snmpbulkwalk -v2c -c public -t 10 -r 0 -On -Cr25 "$SNMP_TARGET" "$PC_COLUMN.5" >/dev/null
		col+=("$(ms_since "$t0")")
		t0=$EPOCHREALTIME
		snmptable -v2c -c public -t 10 -r 0 -Cf , -Cr 25 "$SNMP_TARGET" \
			PORT-COMPLIANCE-MIB::pcListenerTable >/dev/null
		table+=("$(ms_since "$t0")")
	done
	local IFS=,
	{
		echo "phase=$p kind=e2e name=tcp times=${tcp[*]}"
		echo "phase=$p kind=e2e name=col times=${col[*]}"
		echo "phase=$p kind=e2e name=snmptable times=${table[*]}"
	} >>"$RESULTS"
	unset IFS

	log "AgentX requests per walk (strace, not timed)"
	echo "phase=$p kind=agentx col=$(agentx_requests col) table=$(agentx_requests table)" \
		"multi=$(agentx_requests multi)" >>"$RESULTS"
}

phase 0
log "opening $connections connections"
echo connect >&"${HOLD[1]}"
read -r -t 300 word established <&"${HOLD[0]}" && [ "$word" = connections ] ||
	fail "the connections did not open: $(cat "$PC_TMP/hold.log")"
wait_next_poll 20
phase "$established"
echo disconnect >&"${HOLD[1]}"
read -r -t 60 word established <&"${HOLD[0]}" || true

echo "phase=meta kind=meta rows=$rows sockets=$sockets default_timeout=$default_timeout" \
	"rounds=$rounds cold_rounds=$cold_rounds idle=$idle kernel=$(uname -r) cpus=$(nproc)" \
	"load_start=$load_start load_end=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)" \
	"psi_start=$psi_start psi_end=$(psi)" >>"$RESULTS"
exit 0
