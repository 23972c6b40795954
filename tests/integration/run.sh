#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Run the integration scenarios, each in a private network namespace with
# only loopback up, several at a time.
#
#   tests/integration/run.sh [-j JOBS] [SCENARIO...]
#
# A scenario exits 0 to pass, 77 to be skipped, anything else to fail. Its
# output is shown when it fails; its temporary directory is kept then.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jobs=2
if [ "${1:-}" = "-j" ]; then
	jobs=$2
	shift 2
fi
if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=("$here"/t_*.sh)
fi
build=${PC_BUILD:-$root/build}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "integration: needs root for unshare -n" >&2
	exit 1
fi

run_one() {
	local scenario=$1 name tmp start rc
	name=$(basename "$scenario" .sh)
	tmp=$(mktemp -d "/tmp/portcomply-$name.XXXXXX")
	start=$(date +%s)
	# The agent serves as an unprivileged user and reads the catalogs and
	# configurations under the tree, but the tree may be, or sit in, a
	# directory only root can enter (a clone into a mktemp -d folder). Each
	# scenario sees the tree at $tmp/tree instead: a directory open to all
	# on which, in a mount namespace of the scenario's own, each entry of
	# the tree is bound. Nothing of the real tree changes mode.
	local tree=$tmp/tree scenario_build=$build
	mkdir "$tree"
	chmod 0755 "$tmp" "$tree"
	case $build in "$root"/*) scenario_build=$tree/${build#"$root"/} ;; esac
	set +e
	PC_ROOT=$tree PC_BUILD=$scenario_build PC_TMP=$tmp \
		timeout --kill-after=10 "${PC_SCENARIO_TIMEOUT:-180}" \
		unshare --net --mount -- sh -c \
		'for e in "$1"/* "$1"/.[!.]*; do
			[ -e "$e" ] || continue
			if [ -d "$e" ]; then mkdir "$2/${e##*/}"; else : >"$2/${e##*/}"; fi
			mount --bind "$e" "$2/${e##*/}" || exit 1
		done && ip link set lo up && exec bash "$0"' \
		"$scenario" "$root" "$tree" >"$tmp/output" 2>&1
	rc=$?
	set -e
	local took=$(($(date +%s) - start))
	case $rc in
	0)
		echo "PASS $name (${took}s)"
		rm -rf "$tmp"
		;;
	77)
		echo "SKIP $name: $(tail -n 1 "$tmp/output")"
		rm -rf "$tmp"
		;;
	*)
		echo "FAIL $name (exit $rc, ${took}s; files kept in $tmp)"
		sed 's/^/    /' "$tmp/output"
		;;
	esac
	echo "$rc" >"$results/$name"
}
export -f run_one
export root build results

printf '%s\n' "${scenarios[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {}

failed=0 total=0
for f in "$results"/*; do
	total=$((total + 1))
	rc=$(cat "$f")
	[ "$rc" = 0 ] || [ "$rc" = 77 ] || failed=$((failed + 1))
done
echo "integration: $((total - failed)) of $total scenarios passed or skipped"
[ "$failed" = 0 ]
