#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The license check refuses a source file that does not say its license,
# naming it, and passes one that does; test data and JSON stay out of it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q
mkdir -p "$tmp/agent/util" "$tmp/tests/fixtures"
printf '/* SPDX-License-Identifier: ISC */\nint x;\n' >"$tmp/agent/util/ok.c"
printf '{"no": "comments in JSON"}\n' >"$tmp/tests/fixtures/data.json"
printf 'a recorded dump\n' >"$tmp/tests/fixtures/dump.conf"
"$root/tools/spdx-check.sh" "$tmp" >/dev/null

printf '#!/bin/sh\necho no license said\n' >"$tmp/agent/util/bad.sh"
if out=$("$root/tools/spdx-check.sh" "$tmp" 2>&1); then
	echo "spdx self-test: a script without its identifier passed" >&2
	exit 1
fi
grep -q "agent/util/bad.sh: no 'SPDX-License-Identifier: ISC'" <<<"$out" || {
	echo "spdx self-test: refused, but not naming the file: $out" >&2
	exit 1
}
echo "spdx self-test: a file without its license identifier refused"
