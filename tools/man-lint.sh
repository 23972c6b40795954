#!/bin/sh
# The man pages must pass mandoc -Tlint without a single message (style
# messages included), and each must name the keys/options it documents.
set -u
failed=0
for page in "$@"; do
	out=$(mandoc -Tlint -W style "$page" 2>&1)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		failed=1
	fi
done
[ "$failed" = 0 ] || { echo "man-lint: mandoc -Tlint found problems" >&2; exit 1; }
echo "man-lint: $# pages clean"
