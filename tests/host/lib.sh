# SPDX-License-Identifier: ISC
# Sourced by tests/host/run.sh: overlays, the container's life, commands
# inside it, and polling. HOST_WORK is the run's directory; NSPAWN_PID and
# LEADER (the container's init, as this machine sees it) are set by
# boot_container.

log() { echo "# $*"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

now_ms() { date +%s%3N; }

# wait_for SECONDS WHAT CMD...: poll CMD every 100 ms until it succeeds.
wait_for() {
	local seconds=$1 limit_ms=$(($(now_ms) + $1 * 1000)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -lt "$limit_ms" ] || fail "timed out after $seconds s waiting for $what"
		sleep 0.1
	done
}

# overlay NAME LOWERDIRS: HOST_WORK/NAME.merged, writable, over read-only
# layers (the cache), its changes in HOST_WORK/NAME.upper.
overlay() {
	local name=$1
	mkdir -p "$HOST_WORK/$name.upper" "$HOST_WORK/$name.work" "$HOST_WORK/$name.merged"
	mount -t overlay overlay \
		-o "lowerdir=$2,upperdir=$HOST_WORK/$name.upper,workdir=$HOST_WORK/$name.work" \
		"$HOST_WORK/$name.merged"
}

# boot_container ROOT: systemd-nspawn -b on a private network, until its
# systemd says the boot is over (running, or degraded: the failed units are
# shown then).
boot_container() {
	systemd-nspawn -q -D "$1" --private-network --register=no --keep-unit -b \
		</dev/null >"$HOST_WORK/console.log" 2>&1 &
	NSPAWN_PID=$!
	wait_for 30 "the container's init" container_leader
	LEADER=$(pgrep -P "$NSPAWN_PID" | head -n 1)
	wait_for 90 "the container to finish booting" booted
	local state
	state=$(in_host systemctl is-system-running || true)
	log "container booted: $state (init is pid $LEADER here)"
	if [ "$state" != running ]; then
		in_host systemctl --failed --no-legend | sed 's/^/#   failed: /'
	fi
}

container_leader() { kill -0 "$NSPAWN_PID" && pgrep -P "$NSPAWN_PID" >/dev/null; }

booted() {
	local state
	state=$(in_host systemctl is-system-running 2>/dev/null) || true
	[ "$state" = running ] || [ "$state" = degraded ]
}

stop_container() {
	[ -n "$NSPAWN_PID" ] || return 0
	# systemd-nspawn turns SIGTERM into a clean shutdown of the container.
	kill -TERM "$NSPAWN_PID" 2>/dev/null || return 0
	local i
	for i in $(seq 300); do
		kill -0 "$NSPAWN_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$NSPAWN_PID" 2>/dev/null || true
	wait "$NSPAWN_PID" 2>/dev/null || true
	NSPAWN_PID=
}

# in_host CMD...: CMD inside the container (all its namespaces), with a
# clean environment.
in_host() {
	nsenter -t "$LEADER" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		TERM=dumb SYSTEMD_PAGER=cat SYSTEMD_COLORS=0 "$@"
}

# in_host_sh SCRIPT: a shell script inside the container.
in_host_sh() { in_host sh -c "$1"; }

# make_service_repo DIR: a local apt repository (trusted, file:) holding
# one package, pc-test-service, whose service its postinst enables and
# starts the way debhelper's snippets do: what make deps must not let run.
make_service_repo() {
	local dir=$1 pkg=$HOST_WORK/pc-test-service
	mkdir -p "$pkg/DEBIAN" "$pkg/lib/systemd/system" "$dir"
	cat >"$pkg/DEBIAN/control" <<-EOF
		Package: pc-test-service
		Version: 1.0
		Architecture: all
		Maintainer: portcomply tests <tests@localhost>
		Description: a service for tests/host: make deps must leave it stopped and disabled
	EOF
	cat >"$pkg/lib/systemd/system/pc-test-service.service" <<-EOF
		[Unit]
		Description=tests/host: a service that must not start when make deps installs it
		[Service]
		ExecStart=/bin/sleep infinity
		[Install]
		WantedBy=multi-user.target
	EOF
	cat >"$pkg/DEBIAN/postinst" <<-'EOF'
		#!/bin/sh
		set -e
		if [ "$1" = configure ]; then
			deb-systemd-helper enable pc-test-service.service
			if [ -d /run/systemd/system ]; then
				systemctl --system daemon-reload >/dev/null || true
				deb-systemd-invoke start pc-test-service.service
			fi
		fi
	EOF
	chmod 0755 "$pkg/DEBIAN/postinst"
	dpkg-deb --root-owner-group -b "$pkg" "$dir/pc-test-service_1.0_all.deb" >/dev/null
	(cd "$dir" && dpkg-scanpackages . /dev/null 2>/dev/null >Packages)
}
