#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every cmocka unit test binary given and report all failures, not just
# the first. --valgrind: each under valgrind, where any memory error or
# definite/indirect leak is a failure too.
set -u
under=""
what="unit tests"
if [ "${1:-}" = "--valgrind" ]; then
	shift
	under="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
	what="unit tests under valgrind"
fi
failed=""
for t in "$@"; do
	if [ -n "$under" ]; then
		$under "$t" >/dev/null 2>"$t.valgrind.log" || { cat "$t.valgrind.log" >&2; failed="$failed $(basename "$t")"; }
	else
		"$t" || failed="$failed $(basename "$t")"
	fi
done
if [ -n "$failed" ]; then
	echo "$what failed:$failed" >&2
	exit 1
fi
echo "$what: $# binaries passed"
