# SPDX-License-Identifier: ISC
# A stopped naming helper delays names, nothing else. With 20,000
# listeners (more than the helper's socket buffers hold in one request),
# the helper SIGSTOPped: a required listener that closes is still
# reported (pcListenerMissing), polls go on, naming says once, in the log
# and in pcNamingStatus, that it is degraded and why, and a new listener
# is announced without waiting, its notification saying naming was
# unavailable; SIGCONT and the helper is taken back.
. "$(dirname "$0")/lib.sh"
own_pid_namespace

start_trapd
start_snmpd
start_bg CROWD_PID "$PC_BUILD/helpers/crowd" sockets 20000 >"$PC_TMP/crowd.out"
wait_for 60 "20,000 listeners" grep -qx ready "$PC_TMP/crowd.out"
start_svc_listeners req
write_agent_conf "hold-down = 1" "$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving 60
pid_of_req() { [ "$(snmp_get_value "$(listener_oid 6 tcp 0.0.0.0 7001)")" = "$LISTEN_PID_req" ]; }
wait_for 60 "root's listener on 7001 to be named" pid_of_req
wait_for 30 "the first verdict" trap_count_at_least 1 pcComplianceChanged

helper=$(naming_helper_pid) || fail "no naming helper"
log "stopping the naming helper (pid $helper)"
kill -STOP "$helper"
# The next polls ask the helper; none may wait for it.
stop_pid "$LISTEN_PID_req"
wait_for 60 "pcListenerMissing for svc/req while the helper is stopped" \
	trap_count_at_least 1 pcListenerMissing "pcExpectRule.1.1.1 = STRING: req"
wait_for 30 "pcNamingStatus degraded" mib_is pcNamingStatus.0 degraded
log "pcNamingReason: $(mib_value pcNamingReason.0)"
mib_value pcNamingReason.0 | grep -q "has not answered" || fail "pcNamingReason does not say why"
polls=$(poll_count)
wait_for 30 "polls to go on" poll_count_at_least $((polls + 3))
start_listeners late tcp/0.0.0.0/0
late=$(listener_port late 0)
wait_for 30 "pcUnexpectedListener for tcp/$late" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: $late" "= INTEGER: unavailable(6)"
grep -q "pcUnexpectedListener protocol=tcp address=0.0.0.0 port=$late pid=0 process=- naming=unavailable" \
	"$PC_TMP/portcomplyd.log" || fail "the log line does not say naming was unavailable"
[ "$(grep -c 'naming processes is degraded' "$PC_TMP/portcomplyd.log")" = 1 ] ||
	fail "degraded naming not said exactly once: $(grep 'naming processes' "$PC_TMP/portcomplyd.log")"

log "continuing it"
kill -CONT "$helper"
wait_for 60 "pcNamingStatus working" mib_is pcNamingStatus.0 working
grep -q "naming processes works again" "$PC_TMP/portcomplyd.log" || fail "the recovery is not logged"
[ "$(grep -c 'naming processes is degraded' "$PC_TMP/portcomplyd.log")" = 1 ] ||
	fail "degraded naming said again"
[ "$(mib_value pcNamingRestarts.0)" = 0 ] || fail "a stopped helper was restarted"
log "ok"
