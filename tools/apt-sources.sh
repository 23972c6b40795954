#!/bin/sh
# SPDX-License-Identifier: ISC
# What a Debian system's apt sources say, in both formats apt reads: the
# one-line format (sources.apt(5): "deb [options] URI SUITE COMPONENT...",
# what debootstrap and the installer write to /etc/apt/sources.list) and the
# deb822 format (*.sources stanzas: Types, URIs, Suites, Components,
# Enabled). deb-src entries, comments and disabled stanzas do not count.
#
#   tools/apt-sources.sh mirror SUITE [ROOT]      the URI of the first binary
#       source that serves SUITE (nothing if none does)
#   tools/apt-sources.sh has-component COMPONENT [ROOT]   exit 0 when some
#       binary source offers COMPONENT, 1 when none does
#
# ROOT (default /) is the system whose /etc/apt is read: tools/deps.sh reads
# this machine's, tests/host/root.sh the host's, and tests read fixtures.
set -eu

usage() {
	echo "usage: apt-sources.sh mirror SUITE [ROOT] | has-component COMPONENT [ROOT]" >&2
	exit 2
}
[ $# -ge 2 ] || usage
what=$1
arg=$2
root=${3:-/}
etc=${root%/}/etc/apt

# Every binary source as one line "URI SUITE COMPONENT...", in apt's order:
# sources.list first, then sources.list.d in name order.
entries() {
	if [ -f "$etc/sources.list" ]; then one_line "$etc/sources.list"; fi
	for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case $f in
		*.list) one_line "$f" ;;
		*.sources) deb822 "$f" ;;
		esac
	done
}

one_line() {
	awk '
		{ sub(/#.*/, "") }
		$1 != "deb" { next }
		{
			i = 2
			# "[arch=amd64 signed-by=...]": options, possibly over several fields
			if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if (i + 1 > NF) next
			line = $i " " $(i + 1)
			for (j = i + 2; j <= NF; j++) line = line " " $j
			print line
		}' "$1"
}

deb822() {
	awk '
		function flush(   u, s, n, m, i, j, line) {
			if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled != "no") {
				n = split(uris, u, /[[:space:]]+/); m = split(suites, s, /[[:space:]]+/)
				for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
					if (u[i] != "" && s[j] != "") print u[i] " " s[j] " " components
			}
			types = uris = suites = components = enabled = ""; field = ""
		}
		/^[[:space:]]*#/ { next }
		/^[[:space:]]*$/ { flush(); next }
		/^[[:space:]]/ { # a continuation line of the previous field
			value = $0; sub(/^[[:space:]]+/, "", value)
			if (field == "uris") uris = uris " " value
			else if (field == "suites") suites = suites " " value
			else if (field == "components") components = components " " value
			next
		}
		{
			name = tolower($1); sub(/:$/, "", name)
			value = $0; sub(/^[^:]*:[[:space:]]*/, "", value); sub(/[[:space:]]+$/, "", value)
			field = name
			if (name == "types") types = value
			else if (name == "uris") uris = value
			else if (name == "suites") suites = value
			else if (name == "components") components = value
			else if (name == "enabled") enabled = tolower(value)
		}
		END { flush() }' "$1"
}

case $what in
mirror)
	entries | awk -v suite="$arg" '$2 == suite { print $1; exit }'
	;;
has-component)
	entries | awk -v c="$arg" '{ for (i = 3; i <= NF; i++) if ($i == c) found = 1 }
		END { exit !found }'
	;;
*) usage ;;
esac
