#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tools/fuzz.sh SECONDS FUZZER...: run each libFuzzer binary for SECONDS,
# seeded from tests/fixtures and from its regression inputs
# (tests/fixtures/fuzz/<name>/, every past finding: they run first, every
# time). The corpus each run grows is kept under build/fuzz/runs/<name>/
# for the next run; so is the running total of executions
# (build/fuzz/runs/<name>/executions), which bench/README.md reports.
# A crash, leak, timeout or sanitizer report fails the run and leaves the
# input in build/fuzz/runs/<name>/ (crash-*, leak-*, timeout-*): fix the
# cause, then copy it to tests/fixtures/fuzz/<name>/.
#
# FUZZ_MAX_RUNS=N also stops each run after N executions (libFuzzer's
# -runs), for the long runs that bench/README.md records; FUZZ_NICE
# prefixes the command (nice -n 19 on a shared machine); FUZZ_RUNS
# moves the kept corpora and totals elsewhere.
set -uo pipefail

seconds=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${FUZZ_RUNS:-$root/build/fuzz/runs}
failed=""

seeds_for() {
	case $1 in
	cfgfile) echo "$root/tests/fixtures/config $root/tests/fixtures/catalog $root/tests/fixtures/cfgfile $root/conf" ;;
	procnet) echo "$root/tests/fixtures/collect" ;;
	sockdiag) echo "$root/tests/fixtures/collect/mix" ;;
	baseline) echo "$root/tests/fixtures/baseline" ;;
	rtnetlink) echo "$root/tests/fixtures/collect/links" ;;
	esac
}

for fuzzer in "$@"; do
	name=$(basename "$fuzzer")
	name=${name#fuzz_}
	dir=$runs/$name
	mkdir -p "$dir/corpus" "$root/tests/fixtures/fuzz/$name"
	started=$(date +%s)
	# shellcheck disable=SC2046
	${FUZZ_NICE:-} "$fuzzer" -max_total_time="$seconds" ${FUZZ_MAX_RUNS:+-runs=$FUZZ_MAX_RUNS} \
		-timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/" \
		"$dir/corpus" "$root/tests/fixtures/fuzz/$name" $(seeds_for "$name") \
		>"$dir/last.log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - started))
	executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/last.log" | tail -1)
	executed=${executed:-0}
	total=$(($(cat "$dir/executions" 2>/dev/null || echo 0) + executed))
	if [ "$rc" = 0 ]; then
		echo "$total" >"$dir/executions"
		echo "fuzz $name: $executed executions in ${elapsed} s, clean ($total clean in all runs kept in $dir)"
	else
		echo "fuzz $name: FAILED after $executed executions (exit $rc); see $dir/last.log" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$dir/last.log" | head -5 >&2
		ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null | head -5 >&2
		failed="$failed $name"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzzing failed:$failed" >&2
	exit 1
fi
