# SPDX-License-Identifier: ISC
# The log says what the notifications said, once each: a required listener
# goes missing, comes back, then flaps; every pcListenerMissing (flapping
# included), pcListenerRestored and pcComplianceChanged the receiver got has
# exactly one log line with role, instance, side, rule, protocol and port.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners flappy
write_agent_conf "hold-down = 1" "flap-threshold = 3" "flap-window = 10" "notify-rate-limit = 0" \
	"$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant

req=pcExpectStatus.1.1.1
not_present() { ! mib_is "$req" present; }
listener_do flappy close 0
wait_for 5 "the close to be seen" not_present
listener_do flappy open 0
wait_for 5 "the reopening to be seen" mib_is "$req" present
# The third change within the window: flapping (the status stays so).
listener_do flappy close 0
wait_for 5 "flapping" mib_is "$req" flapping
listener_do flappy open 0
wait_for 20 "pcListenerRestored after the flapping" trap_count_at_least 2 pcListenerRestored "STRING: req"
wait_for 20 "the status to be present again" mib_is $req present
wait_for 10 "compliant again" mib_is pcHostCompliance.0 compliant

lines() { grep -c -- "$1" "$PC_TMP/portcomplyd.log" || true; }
line='role=svc instance=- side=- rule=req protocol=tcp port=7001'
grep "role=svc" "$PC_TMP/portcomplyd.log" | sed 's/^/# /'
missing_log=$(lines "pcListenerMissing $line status=missing")
flapping_log=$(lines "pcListenerMissing $line status=flapping")
restored_log=$(lines "pcListenerRestored $line status=present")
compliance_log=$(lines "pcComplianceChanged compliance=")
missing=$(trap_count pcListenerMissing "STRING: req" "INTEGER: missing(2)")
flapping=$(trap_count pcListenerMissing "STRING: req" "INTEGER: flapping(8)")
restored=$(trap_count pcListenerRestored "STRING: req")
compliance=$(trap_count pcComplianceChanged)
log "log/traps: missing $missing_log/$missing flapping $flapping_log/$flapping restored $restored_log/$restored compliance $compliance_log/$compliance"
[ "$missing" -ge 1 ] && [ "$flapping" = 1 ] && [ "$restored" -ge 2 ] || fail "unexpected notifications"
[ "$missing_log" = "$missing" ] || fail "$missing_log missing lines for $missing notifications"
[ "$flapping_log" = "$flapping" ] || fail "$flapping_log flapping lines for $flapping notifications"
[ "$restored_log" = "$restored" ] || fail "$restored_log restored lines for $restored notifications"
[ "$compliance_log" = "$compliance" ] || fail "$compliance_log compliance lines for $compliance notifications"
grep -q "pcComplianceChanged compliance=nonCompliant previous=compliant missing=1" "$PC_TMP/portcomplyd.log" ||
	fail "no line for the change to nonCompliant"
log "ok"
