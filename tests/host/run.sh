#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The booted-host test: portcomply on a real Debian 12 under a real systemd,
# as a new administrator installs it (tests/host/checks.sh has the checks).
#
#   1. The clean build: `dpkg-buildpackage -us -uc -b` as an unprivileged
#      user in the cached build root (bookworm plus what `apt-get build-dep`
#      installs from debian/control, nothing else), offline: a missing
#      Build-Depends fails here.
#   2. The host: the cached host root (stock snmpd, started at its first
#      boot as on any host where it ran before the package came) booted with
#      `systemd-nspawn -b --private-network`; the package of step 1
#      installed with apt, then start, walk, trap, reload, snmpd restart,
#      stop, purge, and make deps' behaviour on such a host.
#
# Both roots come from tests/host/root.sh (cached under BUILD/host-root,
# rebuilt when their inputs change); each run mounts an overlay of its own
# over them, in a private mount namespace, so the cache stays pristine.
# The container has its own network namespace with loopback only: nothing
# it does leaves the machine.
#
#   tests/host/run.sh            (as root; make host runs it)
# Environment: PC_BUILD (default ./build), PC_HOST_KEEP=1 keeps the run's
# directory even when it passes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${PC_BUILD:-$root/build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
cache=$build/host-root

if [ "$(id -u)" != 0 ]; then
	echo "host: needs root (overlay mounts, systemd-nspawn)" >&2
	exit 1
fi
for tool in systemd-nspawn nsenter debootstrap dpkg-scanpackages snmptranslate; do
	command -v "$tool" >/dev/null || {
		echo "host: $tool is missing (make deps installs it)" >&2
		exit 1
	}
done
if [ -z "${PC_HOST_UNSHARED:-}" ]; then
	PC_HOST_UNSHARED=1 exec unshare -m --propagation private -- "$0" "$@"
fi

started=$(date +%s)
"$here/root.sh" "$cache"
roots_ready=$(date +%s)

work=$(mktemp -d "$build/host-run.XXXXXX")
chmod 0755 "$work"
NSPAWN_PID=
LEADER=
export HOST_WORK=$work

. "$here/lib.sh"

cleanup() {
	local rc=$?
	set +e
	if [ "$rc" != 0 ] && [ -n "$NSPAWN_PID" ] && [ -n "$LEADER" ]; then
		in_host journalctl -b --no-pager >"$work/journal.txt" 2>&1
		echo "host: the container's journal is in $work/journal.txt" >&2
	fi
	stop_container
	umount -R "$work/build.merged" 2>/dev/null
	umount -R "$work/host.merged" 2>/dev/null
	if [ "$rc" != 0 ]; then
		for f in "$work"/*.log; do
			[ -f "$f" ] || continue
			echo "---- ${f##*/} (last 40 lines)" >&2
			tail -n 40 "$f" >&2
		done
		echo "host: FAILED after $(($(date +%s) - started)) s; files kept in $work" >&2
	elif [ -z "${PC_HOST_KEEP:-}" ]; then
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

version=$(dpkg-parsechangelog -l "$root/debian/changelog" -S Version)

# ---- 1. the clean build ----

log "clean build: dpkg-buildpackage -us -uc -b in the build root, offline, as nobody"
overlay build "$cache/build.upper:$cache/base"
merged=$work/build.merged
mount -t proc proc "$merged/proc"
for dev in null zero full random urandom tty; do mount --bind "/dev/$dev" "$merged/dev/$dev"; done
src=$merged/build/portcomply-$version
mkdir -p "$src"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$root" ls-files -z -co --exclude-standard | (cd "$root" && xargs -0 tar -cf - --no-recursion) |
		tar -C "$src" -xf -
else
	tar -C "$root" --exclude=./build -cf - . | tar -C "$src" -xf -
fi
chown -R 65534:65534 "$merged/build"
build_started=$(date +%s)
unshare -n chroot "$merged" /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups \
	env -i HOME=/build PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
	DEB_BUILD_OPTIONS="parallel=$(nproc) noddebs" \
	sh -c "cd /build/portcomply-$version && dpkg-checkbuilddeps && dpkg-buildpackage -us -uc -b" \
	>"$work/dpkg-buildpackage.log" 2>&1 || fail "dpkg-buildpackage in the clean bookworm root"
deb=$merged/build/portcomply_${version}_amd64.deb
[ -f "$deb" ] || fail "the clean build made no $(basename "$deb")"
cp "$deb" "$work/"
deb=$work/$(basename "$deb")
log "built $(basename "$deb") in $(($(date +%s) - build_started)) s"
umount -R "$merged"

# ---- 2. the host ----

log "booting the host root (systemd-nspawn -b --private-network)"
overlay host "$cache/host.upper:$cache/base"
merged=$work/host.merged
mkdir -p "$merged/root/pc"
cp "$deb" "$merged/root/pc/"
cp "$root/tests/fixtures/engine/site.conf" "$merged/root/pc/site.conf"
# make deps' own files, to run them on this host (checks_deps)
mkdir -p "$merged/root/pc/tools"
cp "$root/tools/deps.sh" "$root/tools/apt-sources.sh" "$merged/root/pc/tools/"
make_service_repo "$merged/srv/pc-repo"
boot_container "$merged"
booted=$(date +%s)

. "$here/checks.sh"
run_checks "$(basename "$deb")"

finished=$(date +%s)
log "ok: roots $((roots_ready - started)) s, clean build and boot $((booted - roots_ready)) s, checks $((finished - booted)) s, total $((finished - started)) s"
