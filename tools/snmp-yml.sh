#!/bin/sh
# SPDX-License-Identifier: ISC
# Generate the snmp_exporter module from contrib/prometheus/generator.yml
# with Debian's generator (prometheus-snmp-generator, snmp_exporter 0.21).
#
#   tools/snmp-yml.sh OUTPUT
#
# The MIB search path is this tree's mibs/ and the IETF/IANA MIBs that
# snmp-mibs-downloader installs (INET-ADDRESS-MIB, SNMPv2-*), plus net-snmp's
# own (NET-SNMP-MIB for netSnmpPlaypen). Nothing from ~/.snmp.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
case $out in /*) ;; *) out=$PWD/$out ;; esac
mibs=/usr/share/snmp/mibs
export MIBDIRS="$root/mibs:$mibs/ietf:$mibs/iana:$mibs"
export MIBS=PORT-COMPLIANCE-MIB
export SNMPCONFPATH=/nonexistent
cd "$root/contrib/prometheus"
log=$(mktemp)
trap 'rm -f "$log" "$out.tmp"' EXIT
if ! prometheus-snmp-generator --fail-on-parse-errors generate -o "$out.tmp" >"$log" 2>&1; then
	cat "$log" >&2
	echo "snmp-yml: the generator failed" >&2
	exit 1
fi
mv "$out.tmp" "$out"
