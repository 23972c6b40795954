#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The cached Debian roots the booted-host test uses (tests/host/run.sh),
# built once and reused while their inputs are unchanged:
#
#   CACHE/base          debootstrap --variant=minbase bookworm, with systemd
#                       as init and dbus: a minimal real host
#   CACHE/host.upper    over base: stock snmpd, snmp and snmptrapd, installed
#                       as apt installs them (enabled, never started here),
#                       and portcomply's run-time dependencies downloaded
#                       into apt's archive cache, so that
#                       `apt install ./portcomply_*.deb` works offline
#   CACHE/build.upper   over base: the Build-Depends of debian/control (and
#                       build-essential), installed by `apt-get build-dep`
#                       from that file and nothing else, for the clean build
#
# Each layer is an overlayfs upper directory over base; the test mounts it
# read-only under an upper of its own, so the cache stays pristine. A layer
# is rebuilt when its stamp changes: a hash of its package list (for the
# build layer, the Build-Depends field) and of the functions below that
# build it; a new base makes both layers stale.
#
#   tests/host/root.sh CACHE [base|host|build]...   (default: all three)
#
# It needs the network (Debian's mirror, as this machine's apt reaches it:
# tools/apt-sources.sh finds the mirror in /etc/apt), root, debootstrap.
# While a layer is built, a policy-rc.d refuses every service start: the
# chroot shares this machine's network, and no snmpd of the cache may
# listen here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${1:?usage: root.sh CACHE [base|host|build]...}
shift
layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(base host build)

SUITE=bookworm
BASE_INCLUDE=systemd-sysv,dbus
HOST_PACKAGES="snmpd snmp snmptrapd"
# What portcomply's package Depends on beyond base (dpkg-shlibdeps'
# libraries, adduser is in minbase): downloaded, not installed. A new
# dependency makes `apt install ./portcomply_*.deb` fail offline in the
# test, naming it: add it here.
HOST_DOWNLOADS="libconfuse2 libmnl0"

if [ "$(id -u)" != 0 ]; then
	echo "host root: needs root (debootstrap, chroot, overlay mounts)" >&2
	exit 1
fi
# Every mount below lives in a mount namespace of this script's own.
if [ -z "${PC_HOST_ROOT_UNSHARED:-}" ]; then
	PC_HOST_ROOT_UNSHARED=1 exec unshare -m --propagation private -- "$0" "$cache" "${layers[@]}"
fi
for tool in debootstrap chroot; do
	command -v "$tool" >/dev/null || {
		echo "host root: $tool is missing (make deps installs it)" >&2
		exit 1
	}
done

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
# One builder at a time; a second run waits, then finds the layers fresh.
exec 9>"$cache/.lock"
flock 9
step=
trap 'rc=$?; [ $rc = 0 ] || echo "host root: failed while $step (exit status $rc)" >&2' EXIT

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
build_depends() {
	awk '/^Build-Depends:/ { p = 1; print; next } p && /^[ \t]/ { print; next } { p = 0 }' \
		"$root/debian/control"
}
# A layer's inputs: what it installs and the code that builds it.
stamp_of() {
	case $1 in
	base) hash_of <(echo "$SUITE $BASE_INCLUDE") <(declare -f build_base) ;;
	host) hash_of <(stamp_of base) <(echo "$HOST_PACKAGES / $HOST_DOWNLOADS") \
		<(declare -f in_layer build_host) ;;
	build) hash_of <(stamp_of base) <(build_depends) <(declare -f in_layer build_build) ;;
	esac
}
fresh() { [ -f "$cache/$1.stamp" ] && [ "$(cat "$cache/$1.stamp")" = "$(stamp_of "$1")" ]; }

# The mirror this machine uses for the suite (a site mirror or proxy works
# as it does for apt here); deb.debian.org when none is named.
mirror=$("$root/tools/apt-sources.sh" mirror "$SUITE")
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

build_base() {
	step="debootstrap $SUITE from $mirror (log: $cache/base.log)"
	rm -rf "$cache/base" "$cache/base.new"
	debootstrap --variant=minbase --include="$BASE_INCLUDE" "$SUITE" "$cache/base.new" "$mirror" \
		>"$cache/base.log" 2>&1 || { tail -n 20 "$cache/base.log" >&2; return 1; }
	mv "$cache/base.new" "$cache/base"
}

# in_layer NAME SCRIPT [DIR]: runs SCRIPT (sh) chrooted in base + NAME's
# upper, with the network, /proc and the usual devices, and a policy-rc.d
# that refuses every start; DIR, if given, is copied to /srv/in first (and
# SCRIPT removes it).
in_layer() {
	local name=$1 script=$2 merged=$cache/$1.merged
	rm -rf "$cache/$name.new" "$cache/$name.work" "$merged"
	mkdir -p "$cache/$name.new" "$cache/$name.work" "$merged"
	mount -t overlay overlay \
		-o "lowerdir=$cache/base,upperdir=$cache/$name.new,workdir=$cache/$name.work" "$merged"
	mount -t proc proc "$merged/proc"
	local dev
	for dev in null zero full random urandom tty; do
		mount --bind "/dev/$dev" "$merged/dev/$dev"
	done
	cp /etc/resolv.conf "$merged/etc/resolv.conf"
	if [ -n "${3:-}" ]; then cp -r "$3" "$merged/srv/in"; fi
	printf '#!/bin/sh\n# tests/host/root.sh: no service starts while a layer is built\nexit 101\n' \
		>"$merged/usr/sbin/policy-rc.d"
	chmod 0755 "$merged/usr/sbin/policy-rc.d"
	local rc=0
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		chroot "$merged" /bin/sh -euc "$script" >"$cache/$name.log" 2>&1 || rc=$?
	rm -f "$merged/usr/sbin/policy-rc.d"
	umount -R "$merged/proc"
	for dev in null zero full random urandom tty; do umount "$merged/dev/$dev"; done
	umount "$merged"
	rmdir "$merged"
	rm -rf "$cache/$name.work"
	if [ "$rc" != 0 ]; then
		tail -n 30 "$cache/$name.log" >&2
		return "$rc"
	fi
	rm -rf "$cache/$name.upper"
	mv "$cache/$name.new" "$cache/$name.upper"
}

build_host() {
	step="installing $HOST_PACKAGES in the host layer (log: $cache/host.log)"
	# snmptrapd's own service stays off: the test runs its receiver.
	# /etc/hosts as the installer writes it (debootstrap writes none): the
	# README's commands say localhost.
	in_layer host "
		printf '127.0.0.1\\tlocalhost\\n::1\\t\\tlocalhost ip6-localhost ip6-loopback\\n' >/etc/hosts
		apt-get update -q
		apt-get install -y -q --no-install-recommends $HOST_PACKAGES
		apt-get install -y -q --download-only --no-install-recommends $HOST_DOWNLOADS
		systemctl disable --quiet snmptrapd.service
		[ \"\$(systemctl is-enabled snmpd.service)\" = enabled ]"
}

build_build() {
	step="installing debian/control's Build-Depends in the build layer (log: $cache/build.log)"
	# The Build-Depends may name non-free packages (snmp-mibs-downloader):
	# the component is enabled here as make deps enables it on a host.
	local src=$cache/build.src
	rm -rf "$src"
	mkdir -p "$src/debian"
	cp "$root/debian/control" "$root/debian/changelog" "$src/debian/"
	in_layer build "
		echo 'deb $mirror $SUITE non-free' >/etc/apt/sources.list.d/non-free.list
		apt-get update -q
		apt-get build-dep -y -q --no-install-recommends /srv/in
		rm -rf /srv/in
		apt-get clean" "$src"
	rm -rf "$src"
}

for layer in "${layers[@]}"; do
	case $layer in base | host | build) ;; *)
		echo "host root: no layer '$layer' (base, host or build)" >&2
		exit 1
		;;
	esac
done
# A stale base makes every layer stale.
if ! fresh base; then
	build_base
	stamp_of base >"$cache/base.stamp"
	rm -f "$cache/host.stamp" "$cache/build.stamp"
fi
for layer in "${layers[@]}"; do
	[ "$layer" != base ] || continue
	fresh "$layer" && continue
	started=$(date +%s)
	"build_$layer"
	stamp_of "$layer" >"$cache/$layer.stamp"
	echo "host root: built the $layer layer in $(($(date +%s) - started)) s"
done
