#!/bin/sh
# SPDX-License-Identifier: ISC
# The MIB must pass smilint at level 6 with no diagnostic at all, and net-snmp
# must load it and resolve every name it defines.
set -eu
mib=$1
dir=$(cd "$(dirname "$mib")" && pwd)
export SMIPATH="$dir:/usr/share/snmp/mibs:/usr/share/snmp/mibs/ietf:/usr/share/snmp/mibs/iana"

out=$(smilint -l 6 -s "$mib" 2>&1) || true
if [ -n "$out" ]; then
	echo "$out" >&2
	echo "mib-lint: smilint -l 6 reported the problems above in $mib" >&2
	exit 1
fi

names=$(sed -nE 's/^(pc[A-Za-z0-9]+|portComplianceMIB)[[:space:]]+(OBJECT-TYPE|OBJECT IDENTIFIER|NOTIFICATION-TYPE|MODULE-IDENTITY|MODULE-COMPLIANCE|OBJECT-GROUP|NOTIFICATION-GROUP).*/\1/p' "$mib")
count=0
for name in $names; do
	# -Pe: net-snmp reports MIB parse errors on stderr; any output there fails.
	if ! err=$(snmptranslate -Pe -M "+$dir" -m PORT-COMPLIANCE-MIB -On "PORT-COMPLIANCE-MIB::$name" 2>&1 >/dev/null) || [ -n "$err" ]; then
		echo "mib-lint: snmptranslate cannot resolve PORT-COMPLIANCE-MIB::$name: $err" >&2
		exit 1
	fi
	count=$((count + 1))
done
echo "mib-lint: smilint -l 6 clean; snmptranslate resolves all $count names"
