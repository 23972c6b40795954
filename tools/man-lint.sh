#!/bin/sh
# SPDX-License-Identifier: ISC
# The man pages pass mandoc -Tlint with no message down to style level,
# except that a referenced page is missing on this machine (that depends
# on what is installed, not on the page); portcomply.conf(5) documents
# every key agent/plan/config.c accepts, portcomplyd(8) every option.
set -u
cd "$(dirname "$0")/.."
failed=0
for page in "$@"; do
	out=$(mandoc -Tlint -W style "$page" 2>&1 | grep -v -e 'referenced manual not found' -e 'mandoc.db')
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		failed=1
	fi
done
# mdoc parses "No" at the start of a quoting macro's text as its own
# macro and prints nothing for it: ".Dq No more variables" shows "more
# variables". Such text starts with \&No.
if grep -n -E '^\.(Dq|Do|Sq|So|Qq|Qo|Ql|Pq|Po|Bq|Brq) (No|Ns)( |$)' "$@" >&2; then
	echo "man-lint: a quoted text starts with No or Ns, which mdoc takes as a macro (write \\&No)" >&2
	failed=1
fi
for key in $(sed -n 's/^[[:space:]]*CFG_[A-Z_]*("\([a-z-]*\)".*/\1/p' agent/plan/config.c | sort -u); do
	grep -q "^\.It Cm $key\( \|$\)" man/portcomply.conf.5 ||
		{ echo "man/portcomply.conf.5: key $key is not documented" >&2; failed=1; }
done
opts=$(sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' agent/daemon/options.c | tr -d ':')
[ -n "$opts" ] || { echo "man-lint: found no options in agent/daemon/options.c" >&2; failed=1; }
for o in $(printf '%s' "$opts" | fold -w1); do
	grep -q "^\.It Fl $o\( \|$\)" man/portcomplyd.8 ||
		{ echo "man/portcomplyd.8: option -$o is not documented" >&2; failed=1; }
done
for o in $(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*, NULL, OPT_.*/\1/p' agent/daemon/options.c); do
	grep -q "Fl -$o" man/portcomplyd.8 ||
		{ echo "man/portcomplyd.8: option --$o is not documented" >&2; failed=1; }
done
[ "$failed" = 0 ] || { echo "man-lint: failed" >&2; exit 1; }
echo "man-lint: $# pages clean, every configuration key and option documented"
