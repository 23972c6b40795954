#!/bin/sh
# Every unit test again under valgrind: any leak or memory error fails.
set -u
failed=""
for t in "$@"; do
	if ! valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$t" >/dev/null 2>"$t.valgrind.log"; then
		cat "$t.valgrind.log" >&2
		failed="$failed $(basename "$t")"
	fi
done
if [ -n "$failed" ]; then
	echo "valgrind: errors or leaks in:$failed" >&2
	exit 1
fi
echo "valgrind: $# unit test binaries clean"
