#!/bin/sh
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

case ${1:-} in
poll | walk | parse)
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
	echo "usage: bench/run.sh [poll|walk|parse] [ARGS...]" >&2
	exit 2
	;;
esac
