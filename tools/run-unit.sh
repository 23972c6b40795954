#!/bin/sh
# Run every cmocka unit test binary given; report all failures, not just the first.
set -u
failed=""
for t in "$@"; do
	if ! "$t"; then
		failed="$failed $(basename "$t")"
	fi
done
if [ -n "$failed" ]; then
	echo "unit tests failed:$failed" >&2
	exit 1
fi
echo "unit tests: $# binaries passed"
