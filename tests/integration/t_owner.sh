# SPDX-License-Identifier: ISC
# A listener can be forged: any local user can bind a free required port.
# With owner-user (and owner-process) in the configuration, a required port
# held by another user (uid 65534, through setpriv) is wrongOwner in the MIB,
# sends pcListenerMissing with that status, makes the host nonCompliant and
# is named in --check's text and JSON; the owner's listener back restores it.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners owned
conf_lines=("hold-down = 5" "$SVC_CATALOG"
	'role "svc" { owner-user = "root"  override "opt" { owner-process = "listen" } }'
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  port = 1161 }')
write_agent_conf "${conf_lines[@]}"
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
[ "$(mib_value pcExpectOwner.1.1.1)" = "user root (0)" ] ||
	fail "pcExpectOwner.1.1.1 is '$(mib_value pcExpectOwner.1.1.1)'"
[ "$(mib_value pcExpectOwner.1.2.1)" = "user root (0), process listen" ] ||
	fail "pcExpectOwner.1.2.1 is '$(mib_value pcExpectOwner.1.2.1)'"
[ "$(mib_value pcExpectHolderUid.1.1.1)" = 0 ] || fail "pcExpectHolderUid.1.1.1 is not 0"
[ "$(mib_value pcExpectStatus.1.2.1)" = present ] || fail "svc/opt held by listen is not present"

log "the owner's listener goes; user 65534 binds the port"
stop_pid "$LISTEN_PID_owned"
LISTEN_AS=65534 start_listeners forged tcp/0.0.0.0/7001
wait_for 10 "pcExpectStatus of svc/req to be wrongOwner" mib_is pcExpectStatus.1.1.1 wrongOwner
[ "$(mib_value pcExpectHolderUid.1.1.1)" = 65534 ] ||
	fail "pcExpectHolderUid.1.1.1 is '$(mib_value pcExpectHolderUid.1.1.1)', not 65534"
# The collector names the process at its next walk of /proc (walks are
# paced by their cost: at most 30 s apart).
wait_for 40 "pcExpectPid to name the forger" mib_is pcExpectPid.1.1.1 "$LISTEN_PID_forged"
[ "$(listener_column 11 tcp 0.0.0.0 7001)" = 65534 ] || fail "pcListenerUid of 7001 is not 65534"
wait_for 5 "pcListenerMissing with status wrongOwner" trap_count_at_least 1 pcListenerMissing \
	"pcExpectRule.1.1.1 = STRING: req" "pcExpectStatus.1.1.1 = INTEGER: wrongOwner(11)" \
	"pcExpectPort.1.1.1 = Gauge32: 7001" "pcRoleName.1 = STRING: svc"
wait_for 5 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)" "pcMissingCount.0 = Gauge32: 1"
[ "$(mib_value pcHostCompliance.0)" = nonCompliant ] || fail "the host is not nonCompliant"

log "--check names the holder and the owner"
status=0
"$PC_DAEMON" --check --verbose -c "$PC_TMP/portcomply.conf" >"$PC_TMP/check.txt" || status=$?
[ "$status" = 2 ] || fail "--check exited $status, not 2 (CRITICAL)"
head -1 "$PC_TMP/check.txt" | grep -q "1 wrongOwner (1 required)" ||
	fail "--check's first line: $(head -1 "$PC_TMP/check.txt")"
grep -E "^ *wrongOwner +yes +svc .* req .*0\.0\.0\.0:7001 $LISTEN_PID_forged/listen uid=65534.*; want user root \(0\)" \
	"$PC_TMP/check.txt" >/dev/null || fail "--check's text lacks the wrongOwner row: $(cat "$PC_TMP/check.txt")"
"$PC_DAEMON" --check --format json -c "$PC_TMP/portcomply.conf" >"$PC_TMP/check.json" || true
grep -F '"rule": "req"' "$PC_TMP/check.json" | grep -F '"status": "wrongOwner"' |
	grep -F '"uid": 65534' | grep -F '"owner_user": "root", "owner_uid": 0' >/dev/null ||
	fail "--check's JSON lacks the wrongOwner expectation: $(grep -F '"rule": "req"' "$PC_TMP/check.json")"

log "the owner's listener is back"
stop_pid "$LISTEN_PID_forged"
start_listeners back tcp/0.0.0.0/7001
wait_for 10 "pcListenerRestored for svc/req" trap_count_at_least 1 pcListenerRestored \
	"pcExpectRule.1.1.1 = STRING: req" "pcExpectStatus.1.1.1 = INTEGER: present(1)"
wait_for 5 "the host compliant again" mib_is pcHostCompliance.0 compliant
[ "$(trap_count pcListenerMissing "STRING: req")" = 1 ] || fail "more than one pcListenerMissing"
log "ok"
