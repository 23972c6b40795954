#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tools/stress.sh ROUNDS CPUS TEST...: run every unit test binary ROUNDS
# times in a row while stress-ng keeps CPUS CPUs busy. Any failure fails
# the run (its output is kept in build/stress/). A test that passes alone
# but not here depends on timing: it must wait on what it asserts.
set -uo pipefail

rounds=$1
cpus=$2
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/stress
mkdir -p "$out"
rm -f "$out"/*.log

stress-ng --cpu "$cpus" --timeout 0 --quiet &
load=$!
trap 'kill "$load" 2>/dev/null; wait "$load" 2>/dev/null' EXIT

failed=0
start=$(date +%s)
for round in $(seq "$rounds"); do
	for t in "$@"; do
		name=$(basename "$(dirname "$(dirname "$t")")")-$(basename "$t")
		if ! "$t" >"$out/$name.$round.log" 2>&1; then
			echo "stress: round $round: $t FAILED (build/stress/$name.$round.log)" >&2
			grep -E 'FAILED|ERROR|error' "$out/$name.$round.log" | head -5 >&2
			failed=$((failed + 1))
		else
			rm -f "$out/$name.$round.log"
		fi
	done
	echo "stress: round $round of $rounds done ($failed failures so far, $(($(date +%s) - start)) s)"
done
if [ "$failed" -gt 0 ]; then
	echo "stress: $failed failures in $rounds rounds of $# binaries under stress-ng --cpu $cpus" >&2
	exit 1
fi
echo "stress: $rounds rounds of $# unit test binaries (plain and ASan) passed under stress-ng --cpu $cpus"
