#!/bin/bash
# SPDX-License-Identifier: ISC
# check_time.sh: what `portcomplyd --check` reports as its poll time
# (perfdata poll_time, JSON poll.duration_us), with process naming off and
# on, for N listeners held by one process started last (so that the walk
# of /proc/*/fd reads every other process before it: the one-shot check
# has no cache, its first and only poll walks).
#
#   bench/check_time.sh [--listeners N] [--runs R]     (as root)
#
# Runs in a network namespace of its own (unshare -n): the host's sockets
# do not count, its processes do (the walk reads them all). Prints the
# median, min and max of R runs for each setting, in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
listeners=1000
runs=31
while [ $# -gt 0 ]; do
	case $1 in
	--listeners) listeners=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "usage: bench/check_time.sh [--listeners N] [--runs R]" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "check_time: run as root (it makes a network namespace)" >&2; exit 1; }
if [ -z "${CHECK_TIME_INSIDE:-}" ]; then
	CHECK_TIME_INSIDE=1 exec unshare -n -- "$0" --listeners "$listeners" --runs "$runs"
fi
ip link set lo up

tmp=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
# A mix like poll_bench's: TCP on 127.0.0.1 and ::1, UDP on 127.0.0.1.
specs=()
for ((i = 0; i < listeners; i++)); do
	case $((i % 5)) in
	0 | 1 | 2) specs+=("tcp/127.0.0.1/$((10000 + i))") ;;
	3) specs+=("tcp/::1/$((10000 + i))") ;;
	4) specs+=("udp/127.0.0.1/$((10000 + i))") ;;
	esac
done
mkfifo "$tmp/in"
"$build/helpers/listen" "${specs[@]}" <"$tmp/in" >"$tmp/out" &
holder=$!
exec 3>"$tmp/in"
for _ in $(seq 200); do grep -qx ready "$tmp/out" && break; sleep 0.05; done
grep -qx ready "$tmp/out" || { echo "check_time: the listeners did not open" >&2; exit 2; }

measure() {
	local resolve=$1 us=()
	printf 'catalog = "%s"\nresolve-processes = %s\n' "$PWD/conf/catalog" "$resolve" >"$tmp/c.conf"
	for ((r = 0; r < runs; r++)); do
		us+=("$("$build/portcomplyd" --check --format json -c "$tmp/c.conf" 2>/dev/null |
			sed -n 's/.*"duration_us": \([0-9]*\).*/\1/p')")
	done
	printf '%s\n' "${us[@]}" | sort -n | awk -v what="$2" '
		{ v[NR] = $1 } END { printf "%-28s median %7.2f ms  (min %.2f, max %.2f, %d runs)\n",
			what, v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000, NR }'
}
echo "--check poll time, $listeners listeners, $(ls -d /proc/[0-9]* | wc -l) processes on the host:"
measure false "resolve-processes = false"
measure true "resolve-processes = true"
