# SPDX-License-Identifier: ISC
# The start-up burst: a role with 30 required ports, none
# open, and notify-rate-limit = 10. The first verdict is one poll with 30
# alarms and the compliance change: pcComplianceChanged arrives, first and
# never rate limited; then all 30 pcListenerMissing, paced by the limit
# (10 at once, then ten a second), each port named once. The limit delays
# alarms; it drops none: no pcNotificationsSkipped, nothing suppressed.
. "$(dirname "$0")/lib.sh"

catalog=$PC_TMP/burst.conf
write_required_catalog "$catalog" burst 30

start_trapd
start_snmpd
write_agent_conf "notify-rate-limit = 10" "site-catalog = \"$catalog\"" 'role "burst" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)" "pcNotifyPreviousCompliance.0 = INTEGER: unknown(4)" \
	"pcMissingCount.0 = Gauge32: 30"
wait_for 20 "a pcListenerMissing for each port" trap_count_at_least 30 pcListenerMissing
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0

missing=$(trap_count pcListenerMissing)
ports=$(traps pcListenerMissing | sed -n 's/.*pcExpectPort\.[0-9.]* = Gauge32: \([0-9]*\).*/\1/p' | sort -u | wc -l)
suppressed=$(mib_value pcNotificationsSuppressed.0)
log "30 missing at start, 10/s: $missing pcListenerMissing received for $ports ports, $suppressed suppressed"
[ "$missing" = 30 ] || fail "$missing pcListenerMissing for 30 ports"
[ "$ports" = 30 ] || fail "$ports ports named"
[ "$suppressed" = 0 ] || fail "pcNotificationsSuppressed is $suppressed, not 0"
[ "$(trap_count pcNotificationsSkipped)" = 0 ] || fail "alarms were told skipped: $(traps pcNotificationsSkipped)"
[ "$(trap_count pcComplianceChanged)" = 1 ] || fail "more than one pcComplianceChanged"

# The order a receiver reads: the compliance change, then the alarms.
order=$(grep -o 'snmpTrapOID.0 = OID: PORT-COMPLIANCE-MIB::pc[A-Za-z]*' "$PC_TMP/traps.log" |
	sed 's/.*:://' | uniq | tr '\n' ' ')
[ "$order" = "pcComplianceChanged pcListenerMissing " ] ||
	fail "notifications arrived in the order: $order"
log "ok: $order"
