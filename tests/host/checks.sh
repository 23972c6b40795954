# SPDX-License-Identifier: ISC
# Sourced by tests/host/run.sh once the host root has booted: what a new
# administrator does with the package on a Debian 12 host where stock
# snmpd ran before it came, each step checked from outside the container
# (in_host). OIDs are numeric: a stock Debian has no IETF MIBs, and the
# README says to walk it so.

# The module's OIDs, as the MIB defines them (this machine has the MIBs).
oid() { snmptranslate -M "+$root/mibs" -m +PORT-COMPLIANCE-MIB -On "PORT-COMPLIANCE-MIB::$1"; }
ROOT_OID=$(oid portComplianceMIB)
OID_POLL_COUNT=$(oid pcPollCount.0)
OID_ROLE_NAME_1=$(oid pcRoleName.1)
OID_LISTENER_MISSING=$(oid pcListenerMissing)
CONF=/etc/portcomply/portcomply.conf

journal_has() { # IDENTIFIER PATTERN (grep -E)
	in_host journalctl -o cat -t "$1" --no-pager | grep -Eq -- "$2"
}
journal_count() { # IDENTIFIER PATTERN
	in_host journalctl -o cat -t "$1" --no-pager | grep -Ec -- "$2" || true
}
snmp_value() { in_host snmpget -v2c -c public -t 1 -r 1 -On -Oqv localhost "$1"; }
value_is() { [ "$(snmp_value "$1" 2>/dev/null)" = "$2" ]; }
poll_count_above() {
	local n
	n=$(snmp_value "$OID_POLL_COUNT" 2>/dev/null) && [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt "$1" ]
}
unit_is() { # UNIT PROPERTY VALUE
	[ "$(in_host systemctl show -P "$2" "$1")" = "$3" ]
}
traps_of() { in_host sh -c "grep -c -- '$1' /root/pc/traps.log || true"; }
traps_at_least() { [ "$(traps_of "$2")" -ge "$1" ]; }

checks_stock_host() {
	log "a stock host: snmpd ran at boot and made /var/agentx 0700"
	wait_for 30 "snmpd to be active" unit_is snmpd.service ActiveState active
	wait_for 10 "snmpd's AgentX socket" in_host test -S /var/agentx/master
	[ "$(in_host stat -c %a /var/agentx)" = 700 ] ||
		fail "/var/agentx is $(in_host stat -c %a /var/agentx): not the case this test is about"
}

checks_install() {
	log "apt install ./$1 (offline: its dependencies wait in apt's cache)"
	in_host apt-get install -y -q "/root/pc/$1" >"$HOST_WORK/apt-install.log" 2>&1 ||
		fail "apt-get install ./$1 (log: apt-install.log)"
	grep -q "portcomply: restart snmpd to apply /etc/snmp/snmpd.conf.d/portcomply.conf" \
		"$HOST_WORK/apt-install.log" || fail "the postinst does not say to restart snmpd"
	[ "$(in_host stat -c %a /var/agentx)" = 755 ] || fail "the tmpfiles.d entry did not open /var/agentx"
	wait_for 30 "portcomplyd to be active" unit_is portcomplyd.service ActiveState active

	log "before snmpd restarts: the daemon says why it cannot connect, and --check too"
	local fix="Permission denied: the socket /var/agentx/master \(mode 0755, root:root\) does not let the user portcomply connect; fix: restart snmpd"
	wait_for 30 "the reason in the journal (portcomplyd)" journal_has portcomplyd "cannot reach the AgentX master at /var/agentx/master: $fix"
	in_host portcomplyd --check >"$HOST_WORK/check-down.txt" 2>&1 || true
	sed -n 2p "$HOST_WORK/check-down.txt" | grep -Eq "^Agent: not connected to its AgentX master at /var/agentx/master .*: $fix" ||
		fail "--check does not report the link: $(cat "$HOST_WORK/check-down.txt")"
	[ "$(journal_count net-snmp .)" = 0 ] || fail "lines logged as net-snmp: $(in_host journalctl -o cat -t net-snmp --no-pager | head -3)"
	local rating
	rating=$(in_host systemd-analyze security portcomplyd.service 2>&1 |
		sed -n 's/.*Overall exposure level for portcomplyd.service: \([0-9.]*\).*/\1/p')
	log "systemd-analyze security (live): $rating"
	awk -v r="$rating" 'BEGIN { exit !(r != "" && r <= 2.0) }' || fail "exposure '$rating' > 2.0"
}

checks_connect() {
	log "systemctl restart snmpd: served within one retry period (agentx-retry = 5)"
	in_host sh -c 'echo "trap2sink 127.0.0.1:1162 public" >/etc/snmp/snmpd.conf.d/pc-test-traps.conf
		echo "authCommunity log public" >/root/pc/snmptrapd.conf
		: >/root/pc/traps.log'
	in_host systemd-run -q --unit=pc-trapd /usr/sbin/snmptrapd -f -C -c /root/pc/snmptrapd.conf \
		-Lf /root/pc/traps.log -On -F 'TRAP %v\n' udp:127.0.0.1:1162
	wait_for 10 "the trap receiver" in_host grep -q 'NET-SNMP version' /root/pc/traps.log
	local before
	before=$(in_host date +%s)
	in_host systemctl restart snmpd
	local restarted
	restarted=$(now_ms)
	wait_for 30 "the connection in the journal" journal_has portcomplyd \
		"^connected to the AgentX master at /var/agentx/master after [0-9]+ failed attempts?$"
	log "connected $(($(now_ms) - restarted)) ms after snmpd restarted"
	[ "$(in_host stat -c '%a %U %G' /var/agentx/master)" = "660 root portcomply" ] ||
		fail "the AgentX socket is $(in_host stat -c '%a %U %G' /var/agentx/master)"
	local said
	said=$(in_host journalctl -o cat -u snmpd --since "@$before" --no-pager |
		grep -E "Can't identify|[Ww]arning|[Ee]rror" || true)
	[ -z "$said" ] || fail "snmpd complained: $said"

	local walk
	walk=$(in_host snmpwalk -v2c -c public -t 2 -r 1 -On localhost "$ROOT_OID" 2>&1) ||
		fail "the walk as public: $walk"
	[ "$(grep -c "^$ROOT_OID\." <<<"$walk")" -gt 10 ] || fail "the walk as public: $walk"
	log "walked $(grep -c "^$ROOT_OID\." <<<"$walk") objects as public (numeric OIDs, no MIB needed)"

	# The README's commands for a stock host, as written there.
	local cmd n=0 got
	while IFS= read -r cmd; do
		got=$(in_host sh -c "$cmd" 2>&1) || fail "the README's '$cmd' fails on a stock host: $got"
		grep -q "^iso\.3\.6\.1\.4\.1\.8072\.9999\.9999\.4242\." <<<"$got" ||
			fail "the README's '$cmd' shows nothing of the module: $got"
		n=$((n + 1))
	done < <(sed -n 's/^    \(snmp[a-z]* -v2c -c public localhost \.[0-9.]*\).*/\1/p' "$root/README.md")
	[ "$n" -ge 2 ] || fail "found $n numeric snmpget/snmpwalk commands in the README"
	log "the README's $n numeric commands work on a stock host"
}

# portcomply.conf as installed, set for this test (EXTRA: lines appended).
write_conf() {
	in_host sh -c "sed -e 's/^poll-interval = .*/poll-interval = 1/' -e 's/^hold-down = .*/hold-down = 1/' \
		/root/pc/portcomply.conf.installed >$CONF && printf '%s\n' \"\$@\" >>$CONF" conf "$@"
}

checks_reload_and_trap() {
	log "systemctl reload with a valid configuration: taken"
	in_host cp "$CONF" /root/pc/portcomply.conf.installed
	in_host cp /root/pc/site.conf /etc/portcomply/site.conf
	# The service svc (tests/fixtures/engine/site.conf) on sockets systemd holds.
	in_host sh -c 'cd /etc/systemd/system
		printf "[Socket]\nListenStream=7001\n" >pc-svc.socket
		printf "[Service]\nExecStart=/bin/true\n" >pc-svc.service
		printf "[Socket]\nListenStream=7002\nListenDatagram=7150\n" >pc-keep.socket
		printf "[Service]\nExecStart=/bin/true\n" >pc-keep.service
		systemctl daemon-reload && systemctl start pc-svc.socket pc-keep.socket'
	write_conf 'site-catalog = "/etc/portcomply/site.conf"' 'role "svc" {}'
	in_host systemctl reload portcomplyd || fail "systemctl reload of a valid configuration failed"
	journal_has portcomplyd "^reloaded $CONF \(1 roles\)" || fail "no 'reloaded' line in the journal"
	wait_for 10 "the role served" value_is "$OID_ROLE_NAME_1" '"svc"'

	log "a listener stops: pcListenerMissing reaches the trap receiver"
	in_host systemctl stop pc-svc.socket
	wait_for 30 "pcListenerMissing" traps_at_least 1 "$OID_LISTENER_MISSING"
	journal_has portcomplyd "^pcListenerMissing role=svc .* rule=req protocol=tcp port=7001 status=missing" ||
		fail "no pcListenerMissing line in the journal"

	log "systemctl reload with an invalid configuration: refused, the running one stays"
	write_conf 'site-catalog = "/etc/portcomply/site.conf"' 'role "svc" {}' 'role "no-such-role" {}'
	if in_host systemctl reload portcomplyd 2>"$HOST_WORK/reload.err"; then
		fail "systemctl reload of an invalid configuration succeeded"
	fi
	journal_has portcomplyd "^$CONF:[0-9]+: unknown role no-such-role" ||
		fail "the journal does not say why: $(in_host journalctl -o cat -u portcomplyd --no-pager | tail -5)"
	journal_has portcomplyd "still serving the previous configuration" || fail "no 'still serving' line"
	unit_is portcomplyd.service ActiveState active || fail "the unit is no longer active"
	local polls
	polls=$(snmp_value "$OID_POLL_COUNT")
	wait_for 10 "a poll after the refusal" poll_count_above "$polls"
	value_is "$OID_ROLE_NAME_1" '"svc"' || fail "the role table changed"
}

reconnections_above() {
	[ "$(journal_count portcomplyd "^reconnected to the AgentX master")" -gt "$1" ]
}

checks_master_restart() {
	log "snmpd restarts: the daemon reconnects and serves again"
	local before
	before=$(journal_count portcomplyd "^reconnected to the AgentX master")
	in_host systemctl restart snmpd
	wait_for 30 "the reconnection" reconnections_above "$before"
	local polls
	polls=$(snmp_value "$OID_POLL_COUNT" 2>/dev/null || echo 0)
	wait_for 15 "the module served again" poll_count_above "${polls:-0}"
}

checks_invalid_start() {
	log "an invalid configuration at start: exit 2, no restart, the journal says why"
	in_host systemctl restart portcomplyd || true
	wait_for 30 "the unit to fail" unit_is portcomplyd.service ActiveState failed
	# failed, not auto-restart: systemd will not start it again by itself
	unit_is portcomplyd.service SubState failed || fail "SubState $(in_host systemctl show -P SubState portcomplyd)"
	unit_is portcomplyd.service ExecMainStatus 2 || fail "exit status $(in_host systemctl show -P ExecMainStatus portcomplyd)"
	unit_is portcomplyd.service NRestarts 0 || fail "restarted $(in_host systemctl show -P NRestarts portcomplyd) times"
	journal_has portcomplyd "^portcomplyd: not started: $CONF is not valid \(exit status 2; systemd does not restart" ||
		fail "the journal does not say why the restarts stop"
}

checks_stop_and_purge() {
	log "a valid configuration again: started; stopped: the module is gone"
	write_conf 'site-catalog = "/etc/portcomply/site.conf"' 'role "svc" {}'
	in_host systemctl start portcomplyd
	wait_for 30 "the module served" value_is "$OID_ROLE_NAME_1" '"svc"'
	in_host systemctl stop portcomplyd
	unit_is portcomplyd.service ActiveState inactive || fail "not inactive after stop"
	local walk
	walk=$(in_host snmpwalk -v2c -c public -t 2 -r 1 -On localhost "$ROOT_OID" 2>&1 || true)
	! grep -q "^$ROOT_OID\." <<<"$walk" || fail "the module is still served after stop"

	log "apt purge: nothing of the package is left but its user (and the site's own file)"
	in_host apt-get purge -y -q portcomply >"$HOST_WORK/apt-purge.log" 2>&1 || fail "apt-get purge"
	[ "$(in_host ls -A /etc/portcomply)" = site.conf ] || fail "purge left in /etc/portcomply: $(in_host ls -A /etc/portcomply)"
	local f
	for f in /usr/sbin/portcomplyd /etc/snmp/snmpd.conf.d/portcomply.conf \
		/lib/systemd/system/portcomplyd.service /usr/lib/tmpfiles.d/portcomply.conf \
		/usr/share/portcomply /etc/systemd/system/multi-user.target.wants/portcomplyd.service; do
		if in_host test -e "$f"; then fail "purge left $f"; fi
	done
	in_host getent passwd portcomply >/dev/null || fail "purge removed the user (packages keep theirs)"
}

checks_deps() {
	log "make deps on this host: the one-line sources.list, offline: it says what failed"
	local mirror out rc=0
	mirror=$(in_host awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
	out=$(in_host /root/pc/tools/deps.sh 2>&1) || rc=$?
	[ "$rc" != 0 ] || fail "deps.sh succeeded offline"
	grep -q "^deps: failed while running apt-get update (exit status" <<<"$out" ||
		fail "deps.sh did not say what failed: $out"
	in_host grep -qx "URIs: $mirror" /etc/apt/sources.list.d/portcomply-non-free.sources ||
		fail "the non-free source does not name the mirror $mirror"
	if in_host test -e /usr/sbin/policy-rc.d; then fail "deps.sh left its policy-rc.d"; fi

	log "make deps installs a package with a service: not started, not enabled"
	in_host sh -c 'rm /etc/apt/sources.list.d/portcomply-non-free.sources
		mv /etc/apt/sources.list /root/pc/sources.list.stock
		echo "deb [trusted=yes] file:/srv/pc-repo ./" >/etc/apt/sources.list.d/pc-repo.list'
	out=$(in_host env DEPS_PACKAGES=pc-test-service /root/pc/tools/deps.sh 2>&1) ||
		fail "deps.sh with a local repository: $out"
	grep -q "^deps: left disabled (test tools, not this machine's services): pc-test-service.service" <<<"$out" ||
		fail "deps.sh does not say what it left disabled: $out"
	unit_is pc-test-service.service ActiveState inactive || fail "pc-test-service was started"
	[ "$(in_host systemctl is-enabled pc-test-service.service || true)" = disabled ] ||
		fail "pc-test-service is $(in_host systemctl is-enabled pc-test-service.service || true)"
	if in_host test -e /usr/sbin/policy-rc.d; then fail "deps.sh left its policy-rc.d"; fi
}

run_checks() {
	checks_stock_host
	checks_install "$1"
	checks_connect
	checks_reload_and_trap
	checks_master_restart
	checks_invalid_start
	checks_stop_and_purge
	checks_deps
}
