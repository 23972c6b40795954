# SPDX-License-Identifier: ISC
# A blind agent says it is blind. netlink is refused (an
# LD_PRELOAD interposer), so the agent reads /proc/net; then /proc is
# hidden (an empty tmpfs over it, in this scenario's own mount namespace)
# and a required listener dies. The agent used to log one line, keep
# pcPollErrors still and serve "compliant". Now: every failed poll counts
# in pcPollErrors, the failure is logged once, after hold-down failures in
# a row pcHostCompliance is unknown and pcComplianceChanged says so; /proc
# back, the host is judged again: pcComplianceChanged from unknown to
# nonCompliant, and the loss is reported.
if [ -z "${PC_OWN_MOUNTS:-}" ]; then
	PC_OWN_MOUNTS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners victim
write_agent_conf "hold-down = 2" "$SVC_CATALOG" 'role "svc" {}'
LD_PRELOAD=$PC_BUILD/preload/refuse_sock_diag.so start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant
[ "$(mib_value pcPollSource.0)" = procfs ] || fail "netlink was not refused"
errors_before=$(mib_value pcPollErrors.0)

log "/proc hidden; the required listener dies"
mount -t tmpfs -o size=64k,mode=0555 portcomply-hidden /proc
kill -KILL "$LISTEN_PID_victim"
wait_for 10 "pcHostCompliance to be unknown" mib_is pcHostCompliance.0 unknown
wait_for 10 "pcComplianceChanged to unknown" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: unknown(4)" "pcNotifyPreviousCompliance.0 = INTEGER: compliant(1)"
errors_grew() { [ "$(mib_value pcPollErrors.0)" -ge $((errors_before + 4)) ]; }
wait_for 10 "pcPollErrors to count every failed poll" errors_grew
[ "$(mib_value pcPollSource.0)" = none ] || fail "pcPollSource is not none while blind"
[ "$(mib_value pcListenerCount.0)" = 0 ] || fail "the listener table is not empty while blind"
[ "$(mib_value pcExpectStatus.1.1.1)" = unknown ] || fail "pcExpectStatus is not unknown while blind"
failures=$(grep -c 'poll failed' "$PC_TMP/portcomplyd.log")
[ "$failures" = 1 ] || fail "the failure was logged $failures times"
grep -q 'compliance is unknown until one succeeds' "$PC_TMP/portcomplyd.log" || fail "blindness not logged"

log "/proc back"
umount /proc
# Absent after blindness: unknown until hold-down confirms it, then
# straight to nonCompliant (never "compliant as last confirmed").
wait_for 10 "pcComplianceChanged from unknown to nonCompliant" trap_count_at_least 1 \
	pcComplianceChanged "pcNotifyPreviousCompliance.0 = INTEGER: unknown(4)" \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)"
wait_for 10 "pcListenerMissing for svc/req" trap_count_at_least 1 pcListenerMissing "STRING: req"
[ "$(mib_value pcHostCompliance.0)" = nonCompliant ] || fail "pcHostCompliance is not nonCompliant"
[ "$(trap_count pcComplianceChanged)" = 3 ] ||
	fail "compliance changes other than compliant, unknown, nonCompliant: $(traps pcComplianceChanged)"
[ "$(mib_value pcPollSource.0)" = procfs ] || fail "pcPollSource is not procfs again"
grep -q 'polling works again' "$PC_TMP/portcomplyd.log" || fail "the recovery was not logged"
log "ok: $(($(mib_value pcPollErrors.0) - errors_before)) failed polls counted"
