# SPDX-License-Identifier: ISC
# The Zabbix template (contrib/zabbix) against a real Zabbix 6.0: PostgreSQL,
# zabbix_server and the frontend's API in this scenario's namespaces, the
# template imported through the API, a host on our snmpd (over IPv6, ::1)
# whose portcomplyd plays icm-router and cti-server (instance 1, side a).
# Every OID of the template is the object its description names; discovery makes one status
# item per pcExpectTable row, named with the row's role, instance, side,
# rule, protocol and port; every item is supported and holds what the MIB
# says; the required-port trigger fires when the CTI Server listener closes
# and resolves when it is back; the notifications arrive as trap items
# through snmptrapd and SNMPTT. Then the cost of a poll, counted in snmpd's
# packet dump: once Zabbix has learnt how many variables a request may
# carry, each poll of the host is one SNMP request and one AgentX round
# trip, and there is one poll per interval.
. "$(dirname "$0")/lib.sh"
. "$PC_ROOT/tests/zabbix/lib.sh"
zbx_require
# The ephemeral port range, in this namespace only, above every port the
# roles expect, before anything opens a UDP socket: portcomplyd is told to
# ignore it (below).
sysctl -qw net.ipv4.ip_local_port_range="50000 60999"

ROUNDTRIPS=$PC_ROOT/tests/zabbix/roundtrips.awk
# What one poll of the host may cost once Zabbix has learnt the agent's
# request size: every polled item shares one interval, so one GET carries
# them all, and snmpd asks portcomplyd for all of its variables at once.
POLL_MAX_REQUESTS=1
POLL_MAX_AGENTX=1

log "snmpd (with a packet dump), snmptrapd -> SNMPTT"
# Zabbix polls the host over IPv6 and its traps come from [::1]; the test's
# own queries use IPv4.
ZBX_AGENT_IP=::1
write_snmpd_conf
sed -i -e 's/^agentaddress .*/&,udp6:[::1]:1161/' -e 's/^trap2sink .*/trap2sink udp6:[::1]:1162 public/' \
	"$PC_TMP/snmpd/snmpd.conf"
echo 'rocommunity6 public ::1' >>"$PC_TMP/snmpd/snmpd.conf"
SNMP_PERSISTENT_DIR=$PC_TMP/snmpd/persist start_bg SNMPD_PID \
	snmpd -f -C -d -c "$PC_TMP/snmpd/snmpd.conf" -Lf "$PC_TMP/snmpd.log" -p "$PC_TMP/snmpd/snmpd.pid"
wait_for 10 "snmpd to answer" snmpget -v2c -c public -t 0.2 -r 0 "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0
start_trapd_snmptt

log "PostgreSQL, zabbix_server, the frontend's API"
zbx_start_db
zbx_start_server
zbx_start_frontend
log "Zabbix $(zbx_api apiinfo.version '{}')"

log "the template, imported through the API"
zbx_import "$ZBX_TEMPLATE"
template_id=$(zbx_template_id 'Portcomply by SNMP')
[ -n "$template_id" ] || fail "the template was not imported"

[ "$(zbx_api graph.get "$(jq -cn --arg t "$template_id" '{templateids: [$t]}')" | jq length)" = 2 ] ||
	fail "the template's two graphs were not imported"
[ "$(zbx_api templatedashboard.get "$(jq -cn --arg t "$template_id" '{templateids: [$t],
	selectPages: "extend"}')" | jq '[.[].pages[].widgets[]] | length')" = 2 ] ||
	fail "the template's dashboard with its two graphs was not imported"
# Each SNMP OID is the object the item's description names (MIB: NAME), and
# each discovery macro comes from the column it is named after.
while IFS=$'\t' read -r oid object; do
	[ -n "$object" ] || fail "an item with OID $oid names no MIB object"
	want=$(snmptranslate -On "$object") || fail "snmptranslate $object"
	[ ".${oid%.\{#SNMPINDEX\}}" = "$want" ] || fail "OID $oid is not $object ($want)"
done < <({
	zbx_api item.get "$(jq -cn --arg t "$template_id" '{templateids: [$t], filter: {type: 20},
		output: ["snmp_oid", "description"]}')"
	zbx_api itemprototype.get "$(jq -cn --arg t "$template_id" '{templateids: [$t],
		output: ["snmp_oid", "description"]}')"
} | jq -r '.[] | [.snmp_oid, (.description | capture("^MIB: (?<o>[^ \r\n]+)").o // "")] | @tsv')
lld_oid=$(zbx_api discoveryrule.get "$(jq -cn --arg t "$template_id" '{templateids: [$t], output: ["snmp_oid"]}')" |
	jq -r '.[0].snmp_oid')
declare -A macro_column=([PC.RULE]=pcExpectRule [PC.PROTOCOL]=pcExpectProtocolName [PC.PORT]=pcExpectPort
	[PC.REQUIREMENT]=pcExpectRequirement [PC.ROLE]=pcRoleName [PC.INSTANCE]=pcRoleInstance [PC.SIDE]=pcRoleSideName)
pairs=$(sed -e 's/^discovery\[//' -e 's/\]$//' <<<"$lld_oid" | tr ',' '\n' | paste - -)
[ "$(wc -l <<<"$pairs")" = "${#macro_column[@]}" ] || fail "discovery walks other columns: $lld_oid"
while read -r macro oid; do
	macro=${macro#\{#}
	macro=${macro%\}}
	[ -n "${macro_column[$macro]:-}" ] || fail "unknown discovery macro {#$macro}"
	want=$(snmptranslate -On "PORT-COMPLIANCE-MIB::${macro_column[$macro]}")
	[ ".$oid" = "$want" ] || fail "{#$macro} walks $oid, not ${macro_column[$macro]} ($want)"
done <<<"$pairs"

log "a host on our snmpd, polled every second"
host_id=$(zbx_create_host cc-router-a "$template_id" '[{"macro": "{$PORTCOMPLY.INTERVAL}", "value": "1s"}]')
[ -n "$host_id" ] && [ "$host_id" != null ] || fail "host.create gave no host"
host_items() { zbx_items "$host_id"; }
# The server files a trap under a host only once its configuration cache
# holds the host (and a busy machine can take seconds): wait until it polls
# the host, before there is an agent to answer ("No Such Object").
host_loaded() {
	host_items | jq -e 'any(.[]; .state == "1" or .lastclock != "0")' >/dev/null
}
wait_for 60 "zabbix_server to poll the new host" host_loaded

log "portcomplyd as icm-router and cti-server, every expected listener open"
# snmpd's and snmptrapd's own listeners (SNMP, SMUX, traps), the Zabbix
# stack's, and the UDP clients' ephemeral sockets (Zabbix's pollers,
# snmpget) are ignored: on a real host Zabbix is elsewhere.
write_agent_conf "hold-down = 2" "notify-rate-limit = 5" \
	'role "icm-router" { instance = 1  side = "a" }' \
	'role "cti-server" { instance = 1  side = "a" }' \
	'ignore { protocol = "udp"  port = 1161 }' \
	'ignore { protocol = "udp"  port = 1162 }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  range = {50000, 60999} }' \
	'ignore { protocol = "tcp"  port = 10051 }' \
	'ignore { protocol = "tcp"  port = 18080 }'
specs=()
while read -r proto port; do
	specs+=("$proto/0.0.0.0/$port")
done < <(expected_listen_ports "$PC_TMP/portcomply.conf")
start_listeners icm "${specs[@]}"
start_agent
wait_agent_serving
wait_for 20 "pcHostCompliance to be compliant" mib_is pcHostCompliance.0 compliant

log "discovery: one status item per pcExpectTable row, named from its row"
lld_id=$(zbx_api discoveryrule.get "$(jq -cn --arg h "$host_id" '{hostids: [$h], output: ["itemid"]}')" |
	jq -r '.[0].itemid')
column() { snmpwalk -v2c -c public -t 2 -r 1 -OqU "$SNMP_TARGET" "PORT-COMPLIANCE-MIB::$1" | sed "s/^[^.]*\.//"; }
declare -A role rinstance side rule proto port status
while read -r i v; do role[$i]=$v; done < <(column pcRoleName)
while read -r i v; do rinstance[$i]=$v; done < <(column pcRoleInstance)
while read -r i v; do side[$i]=$v; done < <(column pcRoleSideName)
while read -r i v; do rule[$i]=$v; done < <(column pcExpectRule)
while read -r i v; do proto[$i]=$v; done < <(column pcExpectProtocolName)
while read -r i v; do port[$i]=$v; done < <(column pcExpectPort)
rows=${#rule[@]}
[ "$rows" -ge 15 ] || fail "only $rows pcExpectTable rows"
# "Execute now", again every 5 s until done: the server takes a task for an
# item it has not loaded into its configuration cache yet as done.
last_ask=0
discovered() {
	[ "$(host_items | jq '[.[] | select(.flags == "4")] | length')" = "$rows" ] && return 0
	if [ $(($(date +%s) - last_ask)) -ge 5 ]; then
		zbx_check_now "$lld_id"
		last_ask=$(date +%s)
	fi
	return 1
}
if ! poll_until 90 discovered; then
	zbx_api discoveryrule.get "$(jq -cn --arg i "$lld_id" '{itemids: [$i], output: ["state", "error", "lastclock"]}')" >&2
	fail "discovery did not make $rows status items"
fi
names=$(host_items | jq -r '.[] | select(.flags == "4") | [.key_, .name] | @tsv')
for i in "${!rule[@]}"; do
	r=${i%%.*}
	want="Port ${proto[$i]}/${port[$i]} of ${role[$r]} (instance ${rinstance[$r]}, side ${side[$r]}, rule ${rule[$i]}): status"
	got=$(awk -F'\t' -v k="pc.expect.status[$i]" '$1 == k { print $2 }' <<<"$names")
	[ "$got" = "$want" ] || fail "row $i: item '$got', want '$want'"
done

log "every item supported, holding what the MIB says"
# The hourly catalog revision too: "Execute now" on every polled item.
mapfile -t polled < <(host_items | jq -r '.[] | select(.type == "20") | .itemid')
zbx_check_now "${polled[@]}"
all_polled() {
	host_items | jq -e '[.[] | select(.type == "20" and (.lastclock == "0" or .state != "0"))] | length == 0' >/dev/null
}
if ! poll_until 60 all_polled; then
	host_items | jq -r '.[] | select(.type == "20" and (.lastclock == "0" or .state != "0")) | "\(.key_): \(.error)"' >&2
	fail "some items are not supported or have no value"
fi
unsupported=$(host_items | jq -r '.[] | select(.state != "0") | .key_')
[ -z "$unsupported" ] || fail "not supported: $unsupported"
while read -r i v; do status[$i]=$v; done < <(snmpwalk -v2c -c public -t 2 -r 1 -OqUe "$SNMP_TARGET" \
	PORT-COMPLIANCE-MIB::pcExpectStatus | sed "s/^[^.]*\.//")
values=$(host_items | jq -r '.[] | [.key_, .lastvalue] | @tsv')
value_of() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' <<<"$values"; }
for i in "${!status[@]}"; do
	[ "$(value_of "pc.expect.status[$i]")" = "${status[$i]}" ] ||
		fail "pc.expect.status[$i] is $(value_of "pc.expect.status[$i]"), the MIB says ${status[$i]}"
done
[ "$(value_of pc.host.compliance)" = 1 ] || fail "pc.host.compliance is $(value_of pc.host.compliance)"
[ "$(value_of pc.unexpected.count)" = 0 ] || fail "pc.unexpected.count is $(value_of pc.unexpected.count)"
[ "$(value_of pc.expected.count)" = "$rows" ] || fail "pc.expected.count is not $rows"
[ "$(value_of pc.catalog.revision)" = "$(mib_value pcCatalogRevision.0)" ] || fail "pc.catalog.revision differs"
[ "$(value_of pc.poll.source)" = 1 ] || fail "pc.poll.source is not netlink(1)"

log "what one poll costs, while nothing but Zabbix asks snmpd"
# poll_sessions: Zabbix's polls of the host in snmpd's dump since line $1,
# one line each, "requests agentx" (one UDP socket per poll).
poll_sessions() {
	tail -n +"$1" "$PC_TMP/snmpd.log" | awk -f "$ROUNDTRIPS" |
		awk '{ if ($1 != last) { n++; order[n] = $1 } req[$1]++; ax[$1] += $4; last = $1 }
			END { for (i = 1; i < n; i++) print req[order[i]], ax[order[i]] }'
}
# Zabbix grows the variables per request poll by poll; wait until three
# polls in a row are single requests (the steady state), then count.
steady() {
	local s
	s=$(poll_sessions "$1" | tail -n 3)
	[ "$(wc -l <<<"$s")" = 3 ] && [ "$(awk '$1 == 1' <<<"$s" | wc -l)" = 3 ]
}
if ! poll_until 90 steady 1; then
	fail "polls of the host are not single requests; the last ones (requests, AgentX round trips):" \
		$(poll_sessions 1 | tail -n 5 | tr ' ' ,)
fi
mark=$(wc -l <"$PC_TMP/snmpd.log")
t0=$(date +%s)
compliance_item=$(host_items | jq -r '.[] | select(.key_ == "pc.host.compliance") | .itemid')
polls_since() {
	zbx_api history.get "$(jq -cn --arg i "$compliance_item" --argjson t "$1" \
		'{itemids: [$i], history: 3, time_from: $t, output: ["clock"]}')" | jq length
}
polls_at_least() { [ "$(polls_since "$t0")" -ge "$1" ]; }
wait_for 60 "six polls of the host" polls_at_least 6
polls=$(polls_since "$t0")
sessions=$(poll_sessions "$mark")
[ -n "$sessions" ] || fail "no poll of the host in snmpd's dump"
log "$(wc -l <<<"$sessions") polls seen by snmpd, $polls values stored; requests and AgentX round trips per poll:" \
	$(sort <<<"$sessions" | uniq -c | awk '{ print $1 "x(" $2 "," $3 ")" }')
[ "$(wc -l <<<"$sessions")" -le $((polls + 1)) ] ||
	fail "$(wc -l <<<"$sessions") polls for $polls values: the items are no longer polled together"
while read -r requests agentx; do
	[ "$requests" -le "$POLL_MAX_REQUESTS" ] || fail "a poll took $requests SNMP requests (budget $POLL_MAX_REQUESTS)"
	[ "$agentx" -le "$POLL_MAX_AGENTX" ] || fail "a poll took $agentx AgentX round trips (budget $POLL_MAX_AGENTX)"
done <<<"$sessions"

log "triggers: one pair per required port, none for optional ones"
declare -A requirement
while read -r i v; do requirement[$i]=$v; done < <(column pcExpectRequirement)
required=0
for i in "${!requirement[@]}"; do [ "${requirement[$i]}" = required ] && required=$((required + 1)); done
[ "$required" -lt "$rows" ] || fail "the plan has no optional port to check the override with"
host_triggers() {
	zbx_api trigger.get "$(jq -cn --arg h "$host_id" '{hostids: [$h], expandDescription: true,
		output: ["description", "value", "flags"]}')"
}
port_triggers=$(host_triggers | jq '[.[] | select(.flags == "4")] | length')
[ "$port_triggers" = $((2 * required)) ] || fail "$port_triggers port triggers for $required required ports"
item_value_is() { [ "$(host_items | jq -r --arg k "$1" '.[] | select(.key_ == $k) | .lastvalue')" = "$2" ]; }
# trigger_value NAME: 0 (OK) or 1 (PROBLEM); nothing if there is no such trigger.
trigger_value() { host_triggers | jq -r --arg n "$1" '.[] | select(.description == $n) | .value'; }
trigger_is() { [ "$(trigger_value "$1")" = "$2" ]; }
# trap_received NOTIFICATION TEXT: the host's trap item for NOTIFICATION holds a value containing TEXT.
trap_received() {
	local id
	id=$(host_items | jq -r --arg n "$1" '.[] | select(.key_ == "snmptrap[\"\\b\($n)\\b\"]") | .itemid')
	[ -n "$id" ] || fail "no trap item for $1"
	zbx_api history.get "$(jq -cn --arg i "$id" '{itemids: [$i], history: 2, output: ["value"]}')" |
		jq -e --arg t "$2" 'any(.[]; .value | contains($t))' >/dev/null
}
wait_for 30 "the start-up pcComplianceChanged as a trap item" \
	trap_received pcComplianceChanged "pcComplianceChanged compliance=compliant previous=unknown missing=0 unexpected=0"

cti_row=
for i in "${!rule[@]}"; do
	[ "${role[${i%%.*}]}" = cti-server ] && [ "${rule[$i]}" = cti ] && cti_row=$i
done
[ -n "$cti_row" ] && [ "${requirement[$cti_row]}" = required ] || fail "no required cti-server rule cti"
cti_port=${port[$cti_row]}
missing="Portcomply: required port tcp/$cti_port of cti-server is missing (instance 1, side a, rule cti)"
noncompliant="Portcomply: host is nonCompliant"
trigger_is "$missing" 0 || fail "no trigger '$missing' in state OK"
# A compliant host with fresh data: no trigger of the template is a problem.
problems=$(host_triggers | jq -r '.[] | select(.value == "1") | .description')
[ -z "$problems" ] || fail "problems on a compliant host: $problems"

log "the CTI Server listener (tcp/$cti_port) closed: its trigger fires, naming role and port"
cti_index=$(awk -v p="$cti_port" '$1 == "bound" && $5 == p { print $2 }' "$PC_TMP/listen-icm.out")
listener_do icm close "$cti_index"
wait_for 30 "pcExpectStatus.$cti_row to be missing" mib_is "pcExpectStatus.$cti_row" missing
# Zabbix holds missing(2) (not pending, the hold-down before it) when the trigger is judged.
wait_for 30 "Zabbix to read missing(2)" item_value_is "pc.expect.status[$cti_row]" 2
wait_for 30 "'$missing' to fire" trigger_is "$missing" 1
wait_for 30 "'$noncompliant' to fire" trigger_is "$noncompliant" 1
wait_for 30 "pcListenerMissing as a trap item" trap_received pcListenerMissing \
	"pcListenerMissing role=cti-server instance=1 side=a rule=cti protocol=tcp port=$cti_port status=missing"
wait_for 30 "pcComplianceChanged to nonCompliant as a trap item" trap_received pcComplianceChanged \
	"pcComplianceChanged compliance=nonCompliant previous=compliant missing=1 unexpected=0"

log "the listener back: both resolve"
listener_do icm open "$cti_index"
wait_for 30 "pcExpectStatus.$cti_row to be present" mib_is "pcExpectStatus.$cti_row" present
wait_for 30 "Zabbix to read present(1)" item_value_is "pc.expect.status[$cti_row]" 1
wait_for 30 "'$missing' to resolve" trigger_is "$missing" 0
wait_for 30 "'$noncompliant' to resolve" trigger_is "$noncompliant" 0
wait_for 30 "pcListenerRestored as a trap item" trap_received pcListenerRestored \
	"pcListenerRestored role=cti-server instance=1 side=a rule=cti protocol=tcp port=$cti_port status=present"

log "twelve unexpected listeners at once, over the rate limit: the traps name them, and say what was skipped"
burst=()
for i in $(seq 12); do burst+=(tcp/127.0.0.1/0); done
start_listeners burst "${burst[@]}"
wait_for 30 "pcUnexpectedListener as a trap item" trap_received pcUnexpectedListener \
	"pcUnexpectedListener protocol=tcp address-type=ipv4"
wait_for 30 "pcNotificationsSkipped as a trap item" trap_received pcNotificationsSkipped "pcNotificationsSkipped skipped-alarms=0"
unmatched=$(grep -c 'unmatched trap' "$PC_TMP/zabbix_server.log" || true)
[ "$unmatched" = 0 ] || fail "zabbix_server logged $unmatched unmatched traps"
log "ok"
