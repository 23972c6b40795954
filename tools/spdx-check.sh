#!/bin/sh
# Every source file the project writes says its license in its first lines
# (SPDX-License-Identifier: ISC, see LICENSE). Test data (tests/fixtures:
# recorded dumps, catalogs whose line numbers tests assert), formats without
# comments (JSON), prose (Markdown) and what a tool generates
# (contrib/prometheus/snmp.yml, from generator.yml) are left out.
#
#   tools/spdx-check.sh [DIR]    (make spdx-lint, a part of make test;
#                                 DIR: another checkout, for its self-test)
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "spdx-lint: not a git checkout; nothing to check" >&2
	exit 0
fi
missing=0
files=0
for f in $(git ls-files -co --exclude-standard); do
	[ -f "$f" ] || continue
	case $f in
	tests/fixtures/* | *.json | *.md | LICENSE | debian/changelog | debian/source/format | \
	debian/copyright | .gitignore | conf/catalog/README | contrib/prometheus/snmp.yml) continue ;;
	*.c | *.h | *.sh | *.pl | *.py | *.awk | *.conf | *.cfg | *.yml | *.in | *.supp | \
	*.txt | *.[1-8] | Makefile | .ci/run | debian/rules | debian/postinst | debian/*.lintian-overrides | \
	contrib/nagios/* | tools/* | agent/LAYERS | debian/control) ;;
	*) continue ;;
	esac
	files=$((files + 1))
	if ! head -n 5 "$f" | grep -q 'SPDX-License-Identifier: ISC'; then
		echo "spdx-lint: $f: no 'SPDX-License-Identifier: ISC' in its first 5 lines" >&2
		missing=$((missing + 1))
	fi
done
if [ "$missing" -gt 0 ]; then
	echo "spdx-lint: $missing of $files files without a license identifier" >&2
	exit 1
fi
echo "spdx-lint: $files files, each with its license identifier"
