#!/bin/sh
# SPDX-License-Identifier: ISC
# Print C headers naming every node of PORT-COMPLIANCE-MIB, read from the MIB
# itself by net-snmp's snmptranslate, so that the agent writes no OID and no
# column number by hand:
#
#   tools/mib-oids.sh MIB oids   build/gen/mib_oids.h: for every node pcFooBar
#       PCMIB_FOO_BAR_OID   its whole OID (after PC_MIB_ROOT of mib_root.h)
#       PCMIB_FOO_BAR       its last sub-identifier (a column's number, a
#                           scalar's number in its group, a notification's)
#     the columns a table serves (read-only) as one enum per entry, the
#     scalars a group serves as one enum per group, the notifications as one
#     enum: a switch over such an enum without default: makes the compiler
#     name a column, scalar or notification added to the MIB and not served;
#     PCMIB_<ENTRY>_FIRST_COLUMN and _LAST_COLUMN, PCMIB_<ENTRY>_COLUMNS (the
#     list, which may have gaps), PCMIB_<GROUP>_LAST_SCALAR;
#     every enumeration the MIB defines, each of its textual conventions
#     (PcPortStatus) and each object's own INTEGER { ... } (pcListenerClass),
#     as enum pcmib_<name> { PCMIB_<NAME>_<VALUE> = n } and the list
#     PCMIB_<NAME>_VALUES(X), X(n, "name") per value, for the unit tests to
#     hold the agent's own values and names against.
#   tools/mib-oids.sh MIB meta   build/gen/mib_meta.h: every object with its
#     OID, ASN type and access, every notification with its OBJECTS, for the
#     unit tests to hold the agent against the MIB.
set -eu
mib=$1
what=$2
dir=$(cd "$(dirname "$mib")" && pwd)
module=PORT-COMPLIANCE-MIB
translate() { snmptranslate -M "+$dir" -m "$module" "$@"; }

root=$(translate -On "$module::portComplianceMIB") || {
	echo "mib-oids: snmptranslate could not resolve portComplianceMIB in $mib" >&2
	exit 1
}
# The two objects every notification starts with (RFC 3416, SNMPv2-MIB).
sys_up_time=$(translate -m +SNMPv2-MIB -On SNMPv2-MIB::sysUpTime) &&
	snmp_trap_oid=$(translate -m +SNMPv2-MIB -On SNMPv2-MIB::snmpTrapOID) || {
	echo "mib-oids: snmptranslate could not resolve SNMPv2-MIB's sysUpTime and snmpTrapOID" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name OID-below-the-root, for every node below the root.
translate -Tz | awk -v root="${root#.}" '
	{ gsub(/"/, ""); if (index($2, root ".") == 1) print $1, substr($2, length(root) + 2) }' |
	sort -k2,2V >"$tmp/nodes" # in OID order: served columns must increase
[ -s "$tmp/nodes" ] || { echo "mib-oids: no node below $root in $mib" >&2; exit 1; }

# name access type, for every object with a syntax; name ENTRY for entries.
translate -Tp "$module::portComplianceMIB" | awk '
	/\+-- [-RWCN][-RWCN][-RWCN][-RWCN] / {
		line = $0; sub(/.*\+-- /, "", line); split(line, f, " ")
		sub(/\(.*/, "", f[3]); print f[3], f[1], f[2]; next
	}
	/\+--[A-Za-z]/ { last = $0; sub(/.*\+--/, "", last); sub(/\(.*/, "", last); next }
	/Index: / { print last, "ENTRY", "-" }' >"$tmp/syntax"

# name KIND [OBJECTS...] for the nodes without a syntax (notifications,
# groups, identities): the macro that defines them.
awk '{ print $1 }' "$tmp/nodes" | while read -r name; do
	grep -q "^$name " "$tmp/syntax" && continue
	translate -Td "$module::$name" | awk -v n="$name" '
		NR == 2 { kind = $2 }
		/^  OBJECTS/ { sub(/.*\{ */, ""); sub(/ *\}.*/, ""); gsub(/,/, ""); objects = $0 }
		END { print n, kind, objects }'
done >"$tmp/kinds"

# One line per node: name oid kind access type parent [OBJECTS...].
awk '
	FILENAME == ARGV[1] { oid[$1] = $2; order[++n] = $1; byoid[$2] = $1; next }
	FILENAME == ARGV[2] { if ($2 == "ENTRY") entry[$1] = 1; else { access[$1] = $2; type[$1] = $3 } next }
	{ kind[$1] = $2; o = ""; for (i = 3; i <= NF; i++) o = o " " $i; objs[$1] = o }
	END {
		for (i = 1; i <= n; i++) {
			name = order[i]; o = oid[name]; p = o; sub(/\.?[0-9]+$/, "", p)
			parent = (p in byoid) ? byoid[p] : "portComplianceMIB"
			if (entry[name]) k = "ENTRY"
			else if (name in access) k = entry[parent] ? "COLUMN" : "SCALAR"
			else k = kind[name]
			print name, o, k, (name in access) ? access[name] : "-", (name in type) ? type[name] : "-", parent objs[name]
		}
	}' "$tmp/nodes" "$tmp/syntax" "$tmp/kinds" >"$tmp/table"

# KIND NAME LABEL(N)... for every enumeration: KIND TC for a textual
# convention this MIB defines (once, whichever object uses it first), OBJECT
# for an object's own INTEGER { ... }. Those of other modules (TruthValue,
# InetAddressType) are theirs.
enumerations() {
	awk '$5 == "EnumVal" { print $1 }' "$tmp/table" | while read -r name; do
		translate -Td "$module::$name" | awk -v n="$name" '
			/-- TEXTUAL CONVENTION/ { tc = $NF }
			/^  SYNTAX/ { sub(/[^{]*\{ */, ""); sub(/ *\}.*/, ""); gsub(/,/, ""); values = $0 }
			END { print (tc == "" ? "OBJECT " n : "TC " tc), values }'
	done | while read -r kind name values; do
		if [ "$kind" = TC ]; then
			grep -Eq "^${name}[[:space:]]+::=[[:space:]]*TEXTUAL-CONVENTION" "$mib" || continue
		fi
		echo "$kind $name $values"
	done | awk '!seen[$2]++'
}

case $what in
oids)
	enumerations >"$tmp/enums"
	awk -v mib="$mib" -v sys_up_time="${sys_up_time#.}" -v snmp_trap_oid="${snmp_trap_oid#.}" '
	function macro(name,   s) {
		s = name; sub(/^pc/, "", s); gsub(/[A-Z]/, "_&", s); sub(/^_/, "", s)
		return "PCMIB_" toupper(s)
	}
	function lower(name) { return tolower(substr(macro(name), 7)) }
	function oidlist(o) { gsub(/\./, ", ", o); return o }
	function last(o) { sub(/.*\./, "", o); return o }
	BEGIN {
		print "/* Generated from " mib " by tools/mib-oids.sh: do not edit. */"
		print "#ifndef PC_MIB_OIDS_H"
		print "#define PC_MIB_OIDS_H"
		print ""
		print "#include \"mib_root.h\""
	}
	function upper(label,   s) { s = label; gsub(/[A-Z]/, "_&", s); return toupper(s) }
	FILENAME == ARGV[2] { enums[++n_enums] = $0; next }
	{ name[++n] = $1; oid[$1] = $2; kind[$1] = $3; access[$1] = $4; type[$1] = $5; parent[$1] = $6 }
	END {
		printf "\n/* SNMPv2-MIB: the first two varbinds of every notification. */\n"
		printf "#define PCMIB_SYS_UP_TIME_OID %s\n", oidlist(sys_up_time)
		printf "#define PCMIB_SNMP_TRAP_OID_OID %s\n", oidlist(snmp_trap_oid)
		print "\n/* Every node: its OID. */"
		for (i = 1; i <= n; i++)
			printf "#define %s_OID PC_MIB_ROOT, %s /* %s */\n", macro(name[i]), oidlist(oid[name[i]]), name[i]
		# Served columns and scalars, by entry or group; notifications.
		for (i = 1; i <= n; i++) {
			x = name[i]
			if (access[x] == "-R--" || kind[x] == "NOTIFICATION-TYPE") {
				g = kind[x] == "NOTIFICATION-TYPE" ? "" : parent[x]
				members[g] = members[g] sprintf("\t%s = %s, /* %s%s */\n", macro(x), last(oid[x]), x,
					g == "" ? "" : " " type[x])
				list[g] = (g in groups) ? list[g] ", " last(oid[x]) : last(oid[x])
				if (!(g in first)) first[g] = last(oid[x])
				lastn[g] = last(oid[x]); groups[g] = 1
			} else if (kind[x] == "COLUMN" || kind[x] == "SCALAR") {
				others = others sprintf("\t%s = %s, /* %s, %s */\n", macro(x), last(oid[x]), x,
					access[x] == "----" ? "not-accessible" : "accessible-for-notify")
			}
		}
		for (i = 1; i <= n; i++) {
			g = name[i]
			if (!(g in groups)) continue
			if (kind[g] == "ENTRY") {
				printf "\n/* %s: the columns it serves. */\nenum pcmib_%s_column {\n%s};\n", g, lower(g), members[g]
				printf "#define %s_FIRST_COLUMN %s\n#define %s_LAST_COLUMN %s\n", macro(g), first[g], macro(g), lastn[g]
				printf "#define %s_COLUMNS %s\n", macro(g), list[g]
			} else {
				printf "\n/* %s: the scalars it serves. */\nenum pcmib_%s_scalar {\n%s};\n", g, lower(g), members[g]
				printf "#define %s_LAST_SCALAR %s\n", macro(g), lastn[g]
			}
		}
		printf "\n/* The notifications (pcNotifications.N). */\nenum pcmib_notification {\n%s};\n", members[""]
		printf "\n/* Index columns and objects only notifications carry. */\nenum {\n%s};\n", others
		for (i = 1; i <= n_enums; i++) {
			split(enums[i], f, " ")
			e = f[2]; if (f[1] == "TC") e = tolower(substr(e, 1, 1)) substr(e, 2)
			printf "\n/* %s%s: its values. */\nenum pcmib_%s {\n", f[2],
				f[1] == "TC" ? " (a textual convention)" : "", lower(e)
			xs = ""
			for (k = 3; k in f; k++) {
				label = f[k]; sub(/\(.*/, "", label)
				value = f[k]; sub(/.*\(/, "", value); sub(/\)/, "", value)
				printf "\t%s_%s = %s,\n", macro(e), upper(label), value
				xs = xs sprintf(" \\\n\tX(%s, \"%s\")", value, label)
			}
			printf "};\n#define %s_VALUES(X)%s\n", macro(e), xs
		}
		print "\n#endif"
	}' "$tmp/table" "$tmp/enums"
	;;
meta)
	awk -v mib="$mib" '
	function asn(t) {
		if (t == "Counter") return "ASN_COUNTER"
		if (t == "Gauge") return "ASN_GAUGE"
		if (t == "Unsigned") return "ASN_UNSIGNED"
		if (t == "String" || t == "BitString") return "ASN_OCTET_STR"
		if (t == "EnumVal" || t == "Integer32" || t == "INTEGER") return "ASN_INTEGER"
		if (t == "TimeTicks") return "ASN_TIMETICKS"
		if (t == "ObjID") return "ASN_OBJECT_ID"
		if (t == "Counter64") return "ASN_COUNTER64"
		if (t == "IpAddr") return "ASN_IPADDRESS"
		printf "mib-oids: no ASN type for syntax %s\n", t > "/dev/stderr"; bad = 1; exit 1
	}
	function oidlist(o) { gsub(/\./, ", ", o); return o }
	BEGIN {
		print "/* Generated from " mib " by tools/mib-oids.sh: do not edit. */"
		print "#ifndef PC_MIB_META_H"
		print "#define PC_MIB_META_H"
		print ""
		print "#include \"mib_root.h\""
		print ""
		print "/* access: \"read-only\", \"not-accessible\", \"accessible-for-notify\". */"
		print "struct pcmib_object_meta {"
		print "\tconst char *name;"
		print "\toid oid[MAX_OID_LEN];"
		print "\tsize_t oid_len;"
		print "\tu_char type;"
		print "\tconst char *access;"
		print "};"
		print "struct pcmib_notification_meta {"
		print "\tconst char *name;"
		print "\toid oid[MAX_OID_LEN];"
		print "\tsize_t oid_len;"
		print "\tconst char *objects[16]; /* ended by NULL */"
		print "};"
	}
	$3 == "COLUMN" || $3 == "SCALAR" {
		a = $4 == "-R--" ? "read-only" : $4 == "----" ? "not-accessible" : "accessible-for-notify"
		objects = objects sprintf("\t{ \"%s\", { PC_MIB_ROOT, %s }, PC_MIB_ROOT_LEN + %d, %s, \"%s\" },\n",
			$1, oidlist($2), split($2, s, "."), asn($5), a)
	}
	$3 == "NOTIFICATION-TYPE" {
		list = ""
		for (i = 7; i <= NF; i++) list = list "\"" $i "\", "
		notifications = notifications sprintf("\t{ \"%s\", { PC_MIB_ROOT, %s }, PC_MIB_ROOT_LEN + %d, { %sNULL } },\n",
			$1, oidlist($2), split($2, s, "."), list)
	}
	END {
		if (bad) exit 1
		printf "\nstatic const struct pcmib_object_meta pcmib_objects[] = {\n%s};\n", objects
		printf "\nstatic const struct pcmib_notification_meta pcmib_notifications[] = {\n%s};\n", notifications
		print "\n#endif"
	}' "$tmp/table"
	;;
*)
	echo "usage: mib-oids.sh MIB oids|meta" >&2
	exit 2
	;;
esac
