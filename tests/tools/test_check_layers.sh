#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The layering check refuses what it exists to refuse: on a copy of agent/,
# a planted include across a forbidden edge, a planted cycle, net-snmp
# outside the SNMP edge, libconfuse outside the readers, /proc outside
# the collector and I/O in the core each fail it, naming the file
# and line; the copy as it is passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fresh() {
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	cp -r "$root/agent" "$tmp/tree/agent"
}
# expect_refusal WHAT PATTERN: the check fails and says PATTERN.
expect_refusal() {
	local what=$1 pattern=$2 out
	if out=$("$root/tools/check-layers.pl" --root "$tmp/tree" 2>&1); then
		echo "layers self-test: $what was not refused" >&2
		exit 1
	fi
	if ! grep -qE -- "$pattern" <<<"$out"; then
		echo "layers self-test: $what refused, but not as expected ($pattern):" >&2
		echo "$out" >&2
		exit 1
	fi
}

fresh
"$root/tools/check-layers.pl" --root "$tmp/tree" >/dev/null

# The core reaching up into the SNMP edge.
fresh
sed -i '1i #include "snmp/mib.h"' "$tmp/tree/agent/core/engine.c"
expect_refusal "core/ including snmp/" 'agent/core/engine.c:[0-9]+: includes snmp/mib.h: core/ may include plan/, util/, not snmp/'

# A cycle: the lowest layer's log module including a header that includes it.
fresh
printf '#include "util/log.h"\n' >"$tmp/tree/agent/util/echo.h"
sed -i '0,/^#include/s//#include "util\/echo.h"\n&/' "$tmp/tree/agent/util/log.h"
expect_refusal "a cycle" 'include cycle among util/echo, util/log'

# net-snmp outside the SNMP edge and main.
fresh
sed -i '0,/^#include/s//#include <net-snmp\/net-snmp-config.h>\n&/' "$tmp/tree/agent/daemon/poller.c"
expect_refusal "net-snmp in the poller" 'agent/daemon/poller.c:[0-9]+: includes <net-snmp/net-snmp-config.h>, which only snmp, daemon/main.c may include'

# libconfuse outside the readers; /proc outside the collector.
fresh
sed -i '0,/^#include/s//#include <confuse.h>\n&/' "$tmp/tree/agent/core/state.c"
expect_refusal "libconfuse in the core" 'agent/core/state.c:[0-9]+: includes <confuse.h>, which only plan may include'
fresh
printf 'static const char *where = "/proc/net";\n' >>"$tmp/tree/agent/cli/report.c"
expect_refusal "/proc in a report" 'agent/cli/report.c:[0-9]+: names "/proc/net"'

# I/O in the core, seen in its object.
fresh
mkdir -p "$tmp/objects/core"
printf '#include <stdio.h>\nvoid pc_peek(void);\nvoid pc_peek(void) { fclose(fopen("x", "r")); }\n' |
	${CC:-cc} -c -x c -o "$tmp/objects/core/peek.o" -
if out=$("$root/tools/check-layers.pl" --root "$tmp/tree" --objects "$tmp/objects" 2>&1) ||
	! grep -q 'agent/core/peek.c: calls fopen' <<<"$out"; then
	echo "layers self-test: a core object calling fopen was not refused: $out" >&2
	exit 1
fi

echo "layers self-test: forbidden include, cycle, net-snmp, libconfuse, /proc and core I/O refused"
