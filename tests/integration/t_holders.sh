# SPDX-License-Identifier: ISC
# Every holder counts. A supervisor opens tcp/7002 and starts the service
# that holds it too (socket activation, as systemd or inetd do it): with
# owner-process = the service, the port is present, the MIB shows the
# holder that matched and every holder. A range rule with owner-user
# judges every listener in its range: root on udp/7101 and uid 65534 on
# udp/7150, both in svc/heartbeat's 7100-7199, is wrongOwner naming 7150.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_listeners root tcp/0.0.0.0/7001 udp/0.0.0.0/7101
start_bg SUPERVISOR_PID "$PC_BUILD/helpers/supervise" tcp/0.0.0.0/7002 service >"$PC_TMP/supervise.out"
wait_for 10 "the supervisor and its service" grep -qx ready "$PC_TMP/supervise.out"
service=$(awk '$1 == "service" { print $2 }' "$PC_TMP/supervise.out")
log "supervisor $SUPERVISOR_PID, service $service"
write_agent_conf "hold-down = 5" "$SVC_CATALOG" \
	'role "svc" { owner-user = "root"  override "opt" { owner-process = "service" } }' \
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  port = 1161 }'
start_agent
wait_agent_serving

log "socket activation: the supervisor and the service hold tcp/7002"
wait_for 30 "the owner of svc/opt matched" mib_is pcExpectOwnerCheck.1.2.1 matched
[ "$(mib_value pcExpectStatus.1.2.1)" = present ] || fail "svc/opt is $(mib_value pcExpectStatus.1.2.1)"
[ "$(mib_value pcExpectOwnerPid.1.2.1)" = "$service" ] ||
	fail "pcExpectOwnerPid is $(mib_value pcExpectOwnerPid.1.2.1), not the service's $service"
[ "$(mib_value pcExpectOwnerProcess.1.2.1)" = service ] || fail "pcExpectOwnerProcess is not service"
holders=$(listener_column 21 tcp 0.0.0.0 7002)
log "pcListenerHolders of tcp/7002: $holders"
[[ $holders == *"$SUPERVISOR_PID/supervise"* && $holders == *"$service/service"* ]] ||
	fail "pcListenerHolders does not name both: $holders"

log "a range rule: root on udp/7101, uid 65534 on udp/7150"
[ "$(mib_value pcExpectStatus.1.3.1)" = present ] || fail "svc/heartbeat is not present with 7101 alone"
LISTEN_AS=65534 start_listeners intruder udp/0.0.0.0/7150
wait_for 30 "pcListenerMissing for svc/heartbeat naming 7150" trap_count_at_least 1 pcListenerMissing \
	"pcExpectRule.1.3.1 = STRING: heartbeat" "pcExpectStatus.1.3.1 = INTEGER: wrongOwner(11)" \
	"pcNotifyPort.0 = Gauge32: 7150"
[ "$(mib_value pcExpectHolderUid.1.3.1)" = 65534 ] || fail "pcExpectHolderUid of heartbeat is not 65534"
[ "$(mib_value pcExpectOwnerCheck.1.3.1)" = wrong ] || fail "pcExpectOwnerCheck of heartbeat is not wrong"
wait_for 10 "the host nonCompliant" mib_is pcHostCompliance.0 nonCompliant
stop_pid "$LISTEN_PID_intruder"
wait_for 30 "pcListenerRestored for svc/heartbeat" trap_count_at_least 1 pcListenerRestored \
	"pcExpectRule.1.3.1 = STRING: heartbeat"
[ "$(trap_count pcListenerMissing "STRING: opt")" = 0 ] ||
	fail "pcListenerMissing for svc/opt: $(traps pcListenerMissing "STRING: opt")"
log "ok"
