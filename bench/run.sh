#!/bin/sh
# make bench: the collector's poll against ss and /proc/net at 1,000
# listeners with 0 and 50,000 established connections (bench/README.md).
# Needs root: poll_bench makes its own network namespace. Extra arguments
# go to poll_bench (--connections N --workers W --polls P --runs R).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (the bench needs a private network namespace)" >&2
	exit 1
fi
command -v ss >/dev/null || { echo "bench: ss (iproute2) is missing" >&2; exit 1; }
exec "$build/bench/poll_bench" "$@"
