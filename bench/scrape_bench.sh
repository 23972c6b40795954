#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# scrape_bench.sh: what one snmp_exporter scrape of the shipped module
# (contrib/prometheus/snmp.yml) costs, against a scrape of snmp_exporter's
# usual `if_mib` module from the same snmpd, in one run (bench/README.md,
# "Scrape bench").
#
#   bench/scrape_bench.sh [--listeners N]... [--rounds R] [--compare SNMP_YML]
#
# Needs root. Runs in a private network namespace (unshare -n): an snmpd of
# its own (AgentX master), portcomplyd attached to it as one ICM Router
# (instance 0, side a: 19 expected ports), N listeners held by
# many_listeners (default: 1,000, then 10,000), one prometheus-snmp-exporter
# serving the shipped module, if_mib (bench/if_mib.generator.yml, generated
# here with Debian's generator) and, with --compare, another portcomply
# module (an older snmp.yml) as portcomply_compare.
#
# Per module: the varbinds and SNMP requests of a scrape (the exporter's own
# counters), the AgentX requests portcomplyd answers during one scrape
# (counted from its -Dagentx/subagent lines, in a run of its own), and the
# exporter's snmp_scrape_duration_seconds over R scrapes of each, taken in
# turn, with snmpd and portcomplyd placed as the scheduler likes (free) and
# then both pinned to CPU 0 (1 CPU). The README's snmptable recipes are
# counted in AgentX requests too.
#
# Exit status: 0 the target is met (the shipped module's median scrape at
# most 3x if_mib's at the first listener count, free placement), 1 it is
# missed, 2 the bench failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD:-build}
[[ $build = /* ]] || build=$root/$build

counts=() rounds=40 compare=
usage() {
	echo "usage: bench/scrape_bench.sh [--listeners N]... [--rounds R] [--compare SNMP_YML]" >&2
	exit 2
}
args=("$@")
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--listeners) [[ $2 =~ ^[0-9]+$ ]] || usage; counts+=("$2") ;;
	--rounds) [[ $2 =~ ^[0-9]+$ ]] || usage; rounds=$2 ;;
	--compare) [ -f "$2" ] || usage; compare=$(cd "$(dirname "$2")" && pwd)/$(basename "$2") ;;
	*) usage ;;
	esac
	shift 2
done
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000)
[ "$rounds" -ge 5 ] || usage

# ---- outside: make the namespace, keep the files of a failed run ----
if [ -z "${PC_TMP:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "scrape_bench: run as root (the bench needs a private network namespace)" >&2
		exit 2
	fi
	for tool in snmpd snmptable prometheus-snmp-exporter prometheus-snmp-generator curl taskset; do
		command -v "$tool" >/dev/null || { echo "scrape_bench: $tool is missing" >&2; exit 2; }
	done
	for bin in portcomplyd bench/many_listeners; do
		[ -x "$build/$bin" ] || { echo "scrape_bench: $build/$bin is missing (make bench)" >&2; exit 2; }
	done
	tmp=$(mktemp -d /tmp/portcomply-scrape.XXXXXX)
	chmod 0755 "$tmp"
	set +e
	PC_ROOT=$root PC_BUILD=$build PC_TMP=$tmp COMPARE=$compare \
		unshare --net -- sh -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "${args[@]}"
	rc=$?
	set -e
	if [ "$rc" != 0 ] || [ ! -f "$tmp/verdict" ]; then
		echo "scrape_bench: failed (exit $rc); files kept in $tmp" >&2
		exit 2
	fi
	rc=$(cat "$tmp/verdict")
	rm -rf "$tmp"
	exit "$rc"
fi

# ---- inside the namespace: measure ----
. "$root/tests/integration/lib.sh"
bail() {
	echo "scrape_bench: $*" >&2
	exit 2
}

# The exporter's configuration: if_mib, the shipped module, the compared one.
mibs=/usr/share/snmp/mibs
mkdir -p "$PC_TMP/gen"
cp "$PC_ROOT/bench/if_mib.generator.yml" "$PC_TMP/gen/generator.yml"
(cd "$PC_TMP/gen" && MIBDIRS="$mibs/ietf:$mibs/iana:$mibs" MIBS=IF-MIB SNMPCONFPATH=/nonexistent \
	prometheus-snmp-generator generate -o "$PC_TMP/if_mib.yml" >"$PC_TMP/gen/log" 2>&1) ||
	bail "the generator failed on bench/if_mib.generator.yml: $(tail -n 3 "$PC_TMP/gen/log")"
modules="if_mib portcomply"
{
	sed '/^#/d' "$PC_TMP/if_mib.yml"
	sed '/^#/d' "$PC_ROOT/contrib/prometheus/snmp.yml"
	if [ -n "${COMPARE:-}" ]; then
		sed -e '/^#/d' -e 's/^portcomply:$/portcomply_compare:/' "$COMPARE"
	fi
} >"$PC_TMP/snmp.yml"
[ -z "${COMPARE:-}" ] || modules="$modules portcomply_compare"

start_snmpd
write_agent_conf 'role "icm-router" { instance = 0  side = "a" }' "poll-interval = 5"
start_bg EXPORTER_PID prometheus-snmp-exporter --config.file="$PC_TMP/snmp.yml" \
	--web.listen-address=127.0.0.1:9116 --log.level=warn
wait_for 20 "snmp_exporter to answer" curl -sf -o /dev/null http://127.0.0.1:9116/metrics

scrape() { # scrape MODULE: the exporter's answer
	curl -sf "http://127.0.0.1:9116/snmp?module=$1&target=$SNMP_TARGET"
}
agentx_requests() {
	grep -cE '^agentx/subagent: +-> (get|getnext|getbulk)$' "$PC_TMP/portcomplyd.log" || true
}
# counted CMD...: the AgentX requests portcomplyd answers while CMD runs.
counted() {
	local before
	before=$(agentx_requests)
	"$@" >"$PC_TMP/counted.out"
	echo $(($(agentx_requests) - before))
}
listener_count_at_least() {
	local n
	n=$(snmp_get_value "$OID_LISTENER_COUNT" 2>/dev/null) && [ "$n" -ge "$1" ]
}
psi() { awk '$1 == "some" { sub(/avg60=/, "", $3); print $3 }' /proc/pressure/cpu 2>/dev/null || echo "?"; }

echo "portcomply scrape bench: kernel $(uname -r), $(nproc) CPUs, $(snmpd -v | awk '/NET-SNMP version/ { print "net-snmp " $3 }'), $rounds scrapes of each module per placement"
echo "other load on the machine at the start: loadavg $(cut -d' ' -f1-3 /proc/loadavg), CPU pressure (some, avg60) $(psi)%"
fails=0
first=1
for n in "${counts[@]}"; do
	mkfifo "$PC_TMP/hold-$n.in"
	"$PC_BUILD/bench/many_listeners" --hold "$n" <"$PC_TMP/hold-$n.in" >"$PC_TMP/hold-$n.out" &
	hold_pid=$!
	STARTED_PIDS+=("$hold_pid")
	exec {hold_fd}>"$PC_TMP/hold-$n.in"
	wait_for 120 "$n listeners" grep -q '^listeners' "$PC_TMP/hold-$n.out"

	# Counting run: portcomplyd logs each AgentX request it answers.
	start_agent -Dagentx/subagent
	wait_for 60 "portcomplyd to serve $n listeners" listener_count_at_least "$n"
	declare -A trips=() varbinds=() requests=()
	for m in $modules; do
		scrape "$m" >/dev/null || bail "scrape of $m failed"
		trips[$m]=$(counted scrape "$m")
		varbinds[$m]=$(awk '/^snmp_scrape_pdus_returned / { print $2 }' "$PC_TMP/counted.out")
		requests[$m]=$(awk '/^snmp_scrape_packets_sent / { print $2 }' "$PC_TMP/counted.out")
	done
	if [ "$first" = 1 ]; then
		snmp=(-v2c -c public -t 5 -r 0 -M "+$PC_ROOT/mibs" -m +PORT-COMPLIANCE-MIB "$SNMP_TARGET")
		recipe_bulk=$(counted snmptable -Cb "${snmp[@]}" PORT-COMPLIANCE-MIB::pcRoleTable)
		recipe_next=$(counted snmptable -CB -Cb "${snmp[@]}" PORT-COMPLIANCE-MIB::pcRoleTable)
		expect_walk=$(counted snmpwalk "${snmp[@]}" PORT-COMPLIANCE-MIB::pcExpectTable)
		expect_next=$(counted snmptable -CB -Cb "${snmp[@]}" PORT-COMPLIANCE-MIB::pcExpectTable)
	fi
	stop_pid "$AGENT_PID"

	# Timing runs: no debug output.
	start_agent
	wait_for 60 "portcomplyd to serve $n listeners" listener_count_at_least "$n"
	wait_next_poll 30
	: >"$PC_TMP/times"
	for placement in free one_cpu; do
		if [ "$placement" = one_cpu ]; then
			taskset -apc 0 "$SNMPD_PID" >/dev/null
			taskset -apc 0 "$AGENT_PID" >/dev/null
		fi
		for m in $modules; do scrape "$m" >/dev/null; done
		for r in $(seq "$rounds"); do
			for m in $modules; do
				scrape "$m" | awk -v m="$m" -v p="$placement" \
					'/^snmp_scrape_duration_seconds / { printf "%s %s %.3f\n", p, m, $2 * 1000 }' >>"$PC_TMP/times"
			done
		done
	done
	stop_pid "$AGENT_PID"
	exec {hold_fd}>&-
	stop_pid "$hold_pid"

	echo
	echo "== $n listeners: one scrape (ms: median, min-max of $rounds) =="
	printf '%-20s %9s %9s %8s %24s %24s %10s %10s\n' module varbinds requests AgentX "free" "1 CPU" "free/if" "1CPU/if"
	for m in $modules; do
		awk -v m="$m" -v vb="${varbinds[$m]}" -v rq="${requests[$m]}" -v ax="${trips[$m]}" '
		function median(list,   v, k, i, j, t) {
			k = split(list, v, " ")
			for (i = 2; i <= k; i++)
				for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
			lo = v[1]; hi = v[k]
			return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
		}
		{ t[$1, $2] = t[$1, $2] " " $3 }
		END {
			f = median(t["free", m]); flo = lo; fhi = hi
			o = median(t["one_cpu", m]); olo = lo; ohi = hi
			fi = median(t["free", "if_mib"]); oi = median(t["one_cpu", "if_mib"])
			printf "%-20s %9s %9s %8s %24s %24s %9.2fx %9.2fx\n", m, vb, rq, ax,
				sprintf("%.2f (%.2f-%.2f)", f, flo, fhi), sprintf("%.2f (%.2f-%.2f)", o, olo, ohi), f / fi, o / oi
		}' "$PC_TMP/times"
	done
	if [ "$first" = 1 ]; then
		verdict=$(awk '{ t[$1, $2] = t[$1, $2] " " $3 }
			function median(list,   v, k, i, j, x) {
				k = split(list, v, " ")
				for (i = 2; i <= k; i++)
					for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { x = v[j]; v[j] = v[j - 1]; v[j - 1] = x }
				return k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
			}
			END { r = median(t["free", "portcomply"]) / median(t["free", "if_mib"]); printf "%.2fx %s", r, r <= 3 ? "PASS" : "FAIL" }' "$PC_TMP/times")
		echo
		echo "README recipes, AgentX requests: snmptable -Cb pcRoleTable $recipe_bulk, with -CB $recipe_next;" \
			"snmpwalk pcExpectTable $expect_walk, snmptable -CB -Cb pcExpectTable $expect_next"
		echo "target at $n listeners: the shipped module's scrape at most 3x if_mib's (free placement): $verdict"
		[[ $verdict == *PASS ]] || fails=1
		first=0
	fi
done
echo "other load on the machine at the end: loadavg $(cut -d' ' -f1-3 /proc/loadavg), CPU pressure (some, avg60) $(psi)%"
echo "$fails" >"$PC_TMP/verdict" # the outer shell exits with it
