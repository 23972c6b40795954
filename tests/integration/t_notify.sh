# SPDX-License-Identifier: ISC
# Notifications through a real snmpd to a real snmptrapd. With
# poll-interval = 60, killing the process behind a required listener
# brings pcListenerMissing within 1 s (destroy events), with every varbind
# a receiver needs; the listener back brings pcListenerRestored; a new
# listener nothing explains brings pcUnexpectedListener; a switched-off
# type brings nothing. SIGHUP re-reads the configuration and judges the
# host at once, which the later steps use instead of waiting 60 s.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners killme
conf_lines=("poll-interval = 60" "hold-down = 2" "$SVC_CATALOG" 'role "svc" {}'
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  port = 1161 }')
write_agent_conf "${conf_lines[@]}"
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)" "pcNotifyPreviousCompliance.0 = INTEGER: unknown(4)"

log "the process behind a required listener is killed"
killed_at=$(now_ms)
kill -KILL "$LISTEN_PID_killme"
wait_for 5 "pcListenerMissing for svc/req" trap_count_at_least 1 pcListenerMissing \
	"pcExpectRule.1.1.1 = STRING: req"
took=$(($(now_ms) - killed_at))
log "pcListenerMissing arrived $took ms after the kill, with poll-interval = 60"
[ "$took" -le 1000 ] || fail "pcListenerMissing took $took ms (> 1 s)"
for varbind in "pcRoleName.1 = STRING: svc" "pcRoleInstance.1 = INTEGER: -1" \
	"pcRoleSide.1 = INTEGER: none(0)" "pcExpectProtocol.1.1.1 = INTEGER: tcp(6)" \
	"pcExpectPort.1.1.1 = Gauge32: 7001" "pcExpectStatus.1.1.1 = INTEGER: missing(2)"; do
	[ "$(trap_count pcListenerMissing "pcExpectRule.1.1.1 = STRING: req" "$varbind")" = 1 ] ||
		fail "pcListenerMissing lacks '$varbind': $(traps pcListenerMissing)"
done
wait_for 5 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)" "pcMissingCount.0 = Gauge32: 1"

log "the listener is back"
start_listeners back tcp/0.0.0.0/7001
kill -HUP "$AGENT_PID"
wait_for 5 "pcListenerRestored for svc/req" trap_count_at_least 1 pcListenerRestored \
	"pcExpectRule.1.1.1 = STRING: req" "pcExpectStatus.1.1.1 = INTEGER: present(1)" \
	"pcRoleName.1 = STRING: svc" "pcExpectPort.1.1.1 = Gauge32: 7001"
wait_for 5 "pcComplianceChanged back to compliant" trap_count_at_least 2 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
[ "$(trap_count pcListenerMissing "STRING: req")" = 1 ] || fail "more than one pcListenerMissing"
[ "$(trap_count pcListenerRestored "STRING: req")" = 1 ] || fail "more than one pcListenerRestored"

log "a listener nothing explains appears"
start_listeners odd tcp/127.0.0.1/0
odd_port=$(listener_port odd 0)
kill -HUP "$AGENT_PID"
# The engine announces it once naming has covered it (at most
# PC_UNEXPECTED_NAMING_WAIT_MS, 30 s, should naming never say).
wait_for 40 "pcUnexpectedListener for 127.0.0.1:$odd_port" trap_count_at_least 1 \
	pcUnexpectedListener "pcNotifyPort.0 = Gauge32: $odd_port"
for varbind in "pcNotifyProtocol.0 = INTEGER: tcp(6)" "pcNotifyAddressType.0 = INTEGER: ipv4(1)" \
	"pcNotifyAddress.0 = Hex-STRING: 7F 00 00 01" "pcListenerProcess.tcp.ipv4.\"127.0.0.1\".$odd_port = STRING: listen" \
	"pcListenerPid.tcp.ipv4.\"127.0.0.1\".$odd_port = Gauge32: $LISTEN_PID_odd"; do
	[ "$(trap_count pcUnexpectedListener "Gauge32: $odd_port" "$varbind")" = 1 ] ||
		fail "pcUnexpectedListener lacks '$varbind': $(traps pcUnexpectedListener)"
done

log "notify-unexpected = false: that type is no longer sent"
write_agent_conf "${conf_lines[@]}" "notify-unexpected = false"
kill -HUP "$AGENT_PID"
wait_for 5 "the reload" mib_is pcNotifyUnexpectedEnabled.0 false
sent_before=$(mib_value pcNotificationsSent.0)
start_listeners odd2 tcp/127.0.0.1/0
odd2_port=$(listener_port odd2 0)
kill -HUP "$AGENT_PID"
# The engine announces a new unexpected listener as soon as its process is
# known: once the MIB shows the pid, the announcement has happened (and a
# notification would have gone out, ahead of this GET, on the same link).
has_pid() { [ "$(listener_column 6 tcp 127.0.0.1 "$odd2_port")" = "$LISTEN_PID_odd2" ]; }
wait_for 10 "the new listener's process to be known" has_pid
[ "$(trap_count pcUnexpectedListener "Gauge32: $odd2_port")" = 0 ] ||
	fail "pcUnexpectedListener was sent although switched off"
[ "$(mib_value pcNotificationsSent.0)" = "$sent_before" ] || fail "a notification was sent"

sent=$(mib_value pcNotificationsSent.0)
[ "$sent" -ge 6 ] || fail "pcNotificationsSent is $sent"
[ "$(mib_value pcNotificationsQueued.0)" = 0 ] || fail "notifications still queued"
log "ok: $sent notifications sent"
