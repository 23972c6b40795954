#!/bin/sh
# SPDX-License-Identifier: ISC
# Print a C header with the numeric OID of the MIB module's root, read from
# the MIB itself by net-snmp, so the agent registers exactly what the MIB says.
set -eu
mib=$1
dir=$(cd "$(dirname "$mib")" && pwd)
oid=$(snmptranslate -M "+$dir" -m PORT-COMPLIANCE-MIB -On PORT-COMPLIANCE-MIB::portComplianceMIB) || {
	echo "mib-root: snmptranslate could not resolve portComplianceMIB in $mib" >&2
	exit 1
}
subids=$(echo "${oid#.}" | tr . ' ')
set -- $subids
echo "/* Generated from $mib by tools/mib-root.sh: do not edit. */"
echo "#define PC_MIB_ROOT $(echo "$subids" | sed 's/ /, /g')"
echo "#define PC_MIB_ROOT_LEN $#"
