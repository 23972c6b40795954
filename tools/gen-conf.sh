#!/bin/sh
# SPDX-License-Identifier: ISC
# The configuration `make install` (and the Debian package) installs, from
# the documented example conf/portcomply.conf: its catalog points at the
# installed catalog, and the example host's instance and roles are
# commented out (a fresh install expects nothing until the site says what
# the host is; --check then reports every listener as unexpected).
#
#   tools/gen-conf.sh CATALOG_DIR < conf/portcomply.conf > portcomply.conf
set -eu
catalog=${1:?usage: gen-conf.sh CATALOG_DIR}
awk -v catalog="$catalog" '
NR == 1 {
	print "# portcomply.conf, as installed: say which roles this host plays (see"
	print "# portcomply.conf(5) and portcomplyd --list-roles), then check with"
	print "# portcomplyd --check. The example roles below are commented out."
	print "#"
}
/^catalog = / { print "catalog = \"" catalog "\""; next }
/^(instance|role) "/ { block = 1 }
block { print "#" $0; if ($0 ~ /^}/) block = 0; next }
{ print }
'
