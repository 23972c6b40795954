#!/bin/sh
# SPDX-License-Identifier: ISC
# make bench: both benches (bench/README.md), or one of them with its options.
#
#   bench/run.sh                 the collector bench, then the walk bench
#   bench/run.sh poll [ARGS...]  poll_bench: the collector's poll against ss and
#                                /proc/net (--connections N --workers W --polls P --runs R)
#   bench/run.sh walk [ARGS...]  walk_bench.sh: pcListenerTable against net-snmp's
#                                tcpListenerTable (--connections N --workers W
#                                --rounds R --cold-rounds C --idle SECONDS)
#   bench/run.sh parse [-v] [N]  parse_bench: configuration, plan and catalog loads of
#                                N and 2N bytes in the shapes that were once quadratic
#                                (duplicates of every kind included); linear when every
#                                ratio is under 3
#   bench/run.sh discover [ARGS...]  discover_bench: discovery against the one-poll
#                                --check, and its accuracy as ports go missing
#                                (--listeners N --runs R --trials T)
#   bench/run.sh serve [ARGS...] serve_bench.sh: the daemon's CPU per poll at 50,000
#                                listeners against the raw sock_diag dump
#                                (--listeners N --polls P --runs R)
#   bench/run.sh scrape [ARGS...] scrape_bench.sh: a scrape of the shipped snmp_exporter
#                                module against if_mib (--listeners N --rounds R
#                                --compare SNMP_YML)
#   bench/run.sh zabbix          zabbix_poll.sh: a Zabbix 6.0 poll of a portcomply host
#                                against one of IF-MIB, in requests, AgentX round trips
#                                and time (writes build/zabbix-poll.txt)
#
# Needs root: each bench makes its own network namespace. Exit status: the
# worst of the benches run (0 targets met, 1 a target missed, 2 failed).
set -u
cd "$(dirname "$0")/.." || exit 2
build=${BUILD:-build}
if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (the benches need a private network namespace)" >&2
	exit 1
fi

poll() {
	command -v ss >/dev/null || { echo "bench: ss (iproute2) is missing" >&2; return 2; }
	"$build/bench/poll_bench" "$@"
}

walk() {
	BUILD=$build bench/walk_bench.sh "$@"
}

parse() {
	"$build/bench/parse_bench" "$@"
}

discover() {
	"$build/bench/discover_bench" "$@"
}

serve() {
	BUILD=$build bench/serve_bench.sh "$@"
}

scrape() {
	BUILD=$build bench/scrape_bench.sh "$@"
}


# A real Zabbix in the scenario's namespaces (tests/zabbix/lib.sh): run as
# an integration scenario, which shows its output only when it fails.
zabbix() {
	case $build in /*) out=$build/zabbix-poll.txt ;; *) out=$(pwd)/$build/zabbix-poll.txt ;; esac
	rm -f "$out"
	ZBX_BENCH_OUT=$out PC_SCENARIO_TIMEOUT=600 tests/integration/run.sh bench/zabbix_poll.sh || return 2
	cat "$out"
}

case ${1:-} in
poll | walk | parse | discover | serve | scrape | zabbix)
	what=$1
	shift
	"$what" "$@"
	;;
"")
	poll "$@"
	rc_poll=$?
	echo
	walk "$@"
	rc_walk=$?
	[ "$rc_poll" -ge "$rc_walk" ] && exit "$rc_poll"
	exit "$rc_walk"
	;;
*)
	echo "usage: bench/run.sh [poll|walk|parse|discover|serve|scrape|zabbix] [ARGS...]" >&2
	exit 2
	;;
esac
