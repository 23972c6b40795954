# SPDX-License-Identifier: ISC
# One reload, one verdict. The host is compliant; a reload adds a role
# whose required port is closed. With hold-down = 3 the new port is pending
# for two polls before it is missing: the host's compliance is unknown
# meanwhile (nothing is confirmed about the new port yet), then
# nonCompliant. Receivers get one pcComplianceChanged for the reload, from
# compliant (what they were told last) to nonCompliant, never the unknown
# in between. Then a reload that removes the role again: one change back
# to compliant.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners svc
write_agent_conf "hold-down = 3" "$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to compliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
[ "$(trap_count pcComplianceChanged)" = 1 ] || fail "more than one pcComplianceChanged at start"

log "reload: a role whose required port is closed"
write_agent_conf "hold-down = 3" "$SVC_CATALOG" 'role "svc" {}' 'role "bound" {}'
kill -HUP "$AGENT_PID"
wait_for 10 "the host to be nonCompliant" mib_is pcHostCompliance.0 nonCompliant
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)"
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
log "pcComplianceChanged received: $(traps pcComplianceChanged | sed -n 's/.*pcHostCompliance.0 = INTEGER: \([a-zA-Z]*\).*pcNotifyPreviousCompliance.0 = INTEGER: \([a-zA-Z]*\).*/\2->\1/p' | tr '\n' ' ')"
[ "$(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: unknown(4)")" = 0 ] ||
	fail "a pcComplianceChanged to unknown was sent for the reload"
[ "$(trap_count pcComplianceChanged)" = 2 ] || fail "the reload raised more than one pcComplianceChanged"
[ "$(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: nonCompliant(3)" \
	"pcNotifyPreviousCompliance.0 = INTEGER: compliant(1)")" = 1 ] ||
	fail "the reload's pcComplianceChanged is not compliant -> nonCompliant"

log "reload: the role removed again"
write_agent_conf "hold-down = 3" "$SVC_CATALOG" 'role "svc" {}'
kill -HUP "$AGENT_PID"
wait_for 10 "pcComplianceChanged back to compliant" trap_count_at_least 2 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: compliant(1)"
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0
wait_next_poll
[ "$(trap_count pcComplianceChanged)" = 3 ] || fail "the second reload raised more than one pcComplianceChanged"
[ "$(trap_count pcComplianceChanged "pcHostCompliance.0 = INTEGER: compliant(1)" \
	"pcNotifyPreviousCompliance.0 = INTEGER: nonCompliant(3)")" = 1 ] ||
	fail "the second reload's pcComplianceChanged is not nonCompliant -> compliant"
log "ok: one pcComplianceChanged per reload"
