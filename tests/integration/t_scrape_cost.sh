# SPDX-License-Identifier: ISC
# What one snmp_exporter scrape of the shipped module (contrib/prometheus/
# snmp.yml) costs in AgentX round trips, counted on a real snmpd (the AgentX
# master), portcomplyd and prometheus-snmp-exporter: net-snmp's master sends
# portcomplyd one AgentX request per repetition of every GETBULK, so a
# module that walks one-row columns, asks for many repetitions past a
# column's end, or adds a walk per lookup multiplies them. The scrape must
# cost no more round trips than its walks of the scalars, pcRoleTable and
# the one column pcExpectedPortStatus take, and still carry every sample
# the rules and the dashboard use.
. "$PC_ROOT/tests/integration/lib.sh"

command -v prometheus-snmp-exporter >/dev/null || { echo "prometheus-snmp-exporter is missing"; exit 77; }

start_snmpd
write_agent_conf 'role "icm-router" { instance = 0  side = "a" }'
# -Dagentx/subagent: one "-> get" (getnext...) line per AgentX request
# portcomplyd answers.
start_agent -Dagentx/subagent
wait_agent_serving
expected=$(snmp_get_value "$ROOT_OID.1.2.2.0") # pcExpectedCount
[[ $expected =~ ^[0-9]+$ ]] && [ "$expected" -gt 10 ] || fail "pcExpectedCount: '$expected'"

start_bg EXPORTER_PID prometheus-snmp-exporter --config.file="$PC_ROOT/contrib/prometheus/snmp.yml" \
	--web.listen-address=127.0.0.1:9116 --log.level=warn
wait_for 20 "snmp_exporter to answer" curl -sf -o /dev/null http://127.0.0.1:9116/metrics

scrape() {
	curl -sf "http://127.0.0.1:9116/snmp?module=portcomply&target=$SNMP_TARGET"
}
agentx_requests() {
	grep -cE '^agentx/subagent: +-> (get|getnext|getbulk)$' "$PC_TMP/portcomplyd.log" || true
}

scrape >"$PC_TMP/first.prom" || fail "the first scrape failed"
before=$(agentx_requests)
scrape >"$PC_TMP/scrape.prom" || fail "the scrape failed"
trips=$(($(agentx_requests) - before))

# What the module asks for, in values: the 13 scalars from two groups (at
# least one round trip per group), pcRoleTable's 12 columns for the one
# role and the look past its end, pcExpectedPortStatus for each expected
# port and the look past its end. Each walk costs whole GETBULK requests of
# max_repetitions round trips (net-snmp's master forwards every repetition,
# past the end too): the budget is that arithmetic, no more, so that one
# more walked column (a label looked up in another column, say) fails.
reps=$(awk '/^  *max_repetitions:/ { print $2; exit }' "$PC_ROOT/contrib/prometheus/snmp.yml")
[[ $reps =~ ^[0-9]+$ ]] || fail "no max_repetitions in snmp.yml"
walk_cost() { echo $(((($1 + reps - 1) / reps) * reps)); }
role_values=$((12 * 1 + 1))
port_values=$((expected + 1))
needed=$((2 + role_values + port_values))
# The scalars: one round trip per group in each GET request (two groups;
# a third trip when the 13 take two requests).
scalar_trips=$((13 <= reps ? 2 : 3))
budget=$((scalar_trips + $(walk_cost "$role_values") + $(walk_cost "$port_values")))
log "one scrape: $trips AgentX round trips for $expected expected ports (the module needs $needed values; budget $budget)"
[ "$trips" -le "$budget" ] || fail "one scrape made $trips AgentX round trips, more than $budget for $needed values"
[ "$trips" -ge "$needed" ] || fail "the count of round trips ($trips) is below the values served ($needed): the debug lines changed?"

# Everything the rules and the dashboard read is there.
statuses=$(grep -c '^pcExpectedPortStatus{' "$PC_TMP/scrape.prom" || true)
[ "$statuses" = "$expected" ] || fail "$statuses pcExpectedPortStatus samples for $expected expected ports"
grep -q '^pcExpectedPortStatus{pcExpectPort="40007",pcExpectProtocolName="tcp",pcExpectRequirement="required",pcExpectRule="rtfeed",pcRoleInstance="0",pcRoleName="icm-router",pcRoleSideName="a"} 2$' \
	"$PC_TMP/scrape.prom" || fail "no labelled pcExpectedPortStatus (missing) for rtfeed: $(grep rtfeed "$PC_TMP/scrape.prom")"
for metric in pcRoleExpected pcRolePresent pcRoleMissing pcRoleUnconfigured; do
	grep -q "^$metric{pcRoleInstance=\"0\",pcRoleName=\"icm-router\",pcRoleSideName=\"a\"} " "$PC_TMP/scrape.prom" ||
		fail "no $metric for the role"
done
states=$(grep -c '^pcRoleCompliance{pcRoleCompliance="[a-zA-Z]*",pcRoleInstance="0",pcRoleName="icm-router",pcRoleSideName="a"} ' \
	"$PC_TMP/scrape.prom" || true)
[ "$states" = 4 ] || fail "pcRoleCompliance's state set for the role has $states states, not 4"
for metric in pcHostCompliance pcPollCount pcLastPollTime pcExpectedCount pcUnexpectedCount pcCatalogRevision; do
	grep -q "^$metric[{ ]" "$PC_TMP/scrape.prom" || fail "no $metric in the scrape"
done
if grep -qE '^pcRole(Title|GuideTable|Side|Slot|Name|Instance|SideName)[{ ]' "$PC_TMP/scrape.prom"; then
	fail "descriptive role columns became samples: $(grep -E '^pcRole(Title|GuideTable|Side|Slot|Name|Instance|SideName)[{ ]' "$PC_TMP/scrape.prom" | head -n 3)"
fi
log "scrape cost within budget, every sample there"
