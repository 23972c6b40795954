# The start-up burst: a role with 30 required ports, none
# open, and notify-rate-limit = 10. The first verdict is one poll with 30
# alarms and the compliance change: pcComplianceChanged arrives, first and
# never rate limited; 10 pcListenerMissing fit the limit; then one
# pcNotificationsSkipped says 20 more were not sent, as
# pcNotificationsSuppressed counts them. Nothing is lost silently:
# received + skipped = 30.
. "$(dirname "$0")/lib.sh"

catalog=$PC_TMP/burst.conf
{
	echo 'role "burst" {'
	echo '	title = "Thirty required listeners"  table = 0'
	for i in $(seq 1 30); do
		printf '	rule "p%02d" { description = "Port %d" protocol = "tcp" port = %d\n' "$i" "$i" $((7200 + i))
		echo '		direction = "listen" configurable = false required = true source = "SITE" confidence = "SITE" }'
	done
	echo '}'
} >"$catalog"

start_trapd
start_snmpd
write_agent_conf "notify-rate-limit = 10" "site-catalog = \"$catalog\"" 'role "burst" {}'
start_agent
wait_agent_serving
wait_for 10 "pcComplianceChanged to nonCompliant" trap_count_at_least 1 pcComplianceChanged \
	"pcHostCompliance.0 = INTEGER: nonCompliant(3)" "pcNotifyPreviousCompliance.0 = INTEGER: unknown(4)" \
	"pcMissingCount.0 = Gauge32: 30"
wait_for 10 "pcNotificationsSkipped" trap_count_at_least 1 pcNotificationsSkipped
wait_for 10 "every notification acknowledged" mib_is pcNotificationsQueued.0 0

missing=$(trap_count pcListenerMissing)
skipped=$(traps pcNotificationsSkipped | sed -n 's/.*pcNotifySkippedAlarms.0 = Gauge32: \([0-9]*\).*/\1/p' |
	awk '{ n += $1 } END { print n + 0 }')
suppressed=$(mib_value pcNotificationsSuppressed.0)
log "30 missing at start, 10/s: $missing pcListenerMissing received, $skipped told skipped, $suppressed suppressed"
[ "$missing" = 10 ] || fail "$missing pcListenerMissing passed a limit of 10"
[ $((missing + skipped)) = 30 ] || fail "$missing received + $skipped skipped is not 30"
[ "$suppressed" = 20 ] || fail "pcNotificationsSuppressed is $suppressed, not 20"
[ "$(trap_count pcComplianceChanged)" = 1 ] || fail "more than one pcComplianceChanged"
for varbind in "pcHostCompliance.0 = INTEGER: nonCompliant(3)" "pcMissingCount.0 = Gauge32: 30" \
	"pcNotifySkippedUnexpected.0 = Gauge32: 0"; do
	[ "$(trap_count pcNotificationsSkipped "$varbind")" = 1 ] ||
		fail "pcNotificationsSkipped lacks '$varbind': $(traps pcNotificationsSkipped)"
done

# The order a receiver reads: the compliance change, what fit, the summary.
order=$(grep -o 'snmpTrapOID.0 = OID: PORT-COMPLIANCE-MIB::pc[A-Za-z]*' "$PC_TMP/traps.log" |
	sed 's/.*:://' | uniq | tr '\n' ' ')
[ "$order" = "pcComplianceChanged pcListenerMissing pcNotificationsSkipped " ] ||
	fail "notifications arrived in the order: $order"
log "ok: $order"
