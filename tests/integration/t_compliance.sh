# SPDX-License-Identifier: ISC
# A host configured as icm-router and cti-server, instance 1, side A:
# with every expected listener open it is compliant; an extra listener is
# unexpected, an ignored one ignored; a required listener closed is missing
# after hold-down and the host nonCompliant. Then the MIB is walked, frozen,
# with GETNEXT and with GETBULK (-Cr 10, 25, 50): the walks are identical and
# strictly increasing; a SET gets notWritable.
. "$(dirname "$0")/lib.sh"

start_snmpd
write_agent_conf "hold-down = 2" \
	'role "icm-router" { instance = 1  side = "a" }' \
	'role "cti-server" { instance = 1  side = "a" }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  port = 1161 }' \
	'ignore { protocol = "tcp"  port = 2222 }'

specs=()
while read -r proto port; do
	specs+=("$proto/0.0.0.0/$port")
done < <(expected_listen_ports "$PC_TMP/portcomply.conf")
[ "${#specs[@]}" -ge 15 ] || fail "only ${#specs[@]} expected listen ports in the plan"
log "opening the ${#specs[@]} expected listen ports"
start_listeners icm "${specs[@]}"
start_listeners extra tcp/127.0.0.1/0 tcp/0.0.0.0/2222
start_agent
wait_agent_serving

log "every expected listener open: compliant"
wait_for 10 "pcHostCompliance to be compliant" mib_is pcHostCompliance.0 compliant
[ "$(mib_value pcRoleCompliance.1)" = compliant ] || fail "icm-router is not compliant"
[ "$(mib_value pcRoleCompliance.2)" = compliant ] || fail "cti-server is not compliant"
[ "$(mib_value pcInstanceCompliance.1)" = compliant ] || fail "instance 1 is not compliant"
[ "$(mib_value pcMissingCount.0)" = 0 ] || fail "pcMissingCount is not 0"
cti_row=2.1.1
[ "$(mib_value pcExpectRule.$cti_row)" = cti ] || fail "row $cti_row is not the CTI Server rule"
[ "$(mib_value pcExpectPort.$cti_row)" = 42067 ] || fail "the CTI Server port is not 42067"
[ "$(mib_value pcExpectStatus.$cti_row)" = present ] || fail "the CTI Server listener is not present"
# Provenance reads as --expected prints it: the confidence tag, then the sources.
want=$("$PC_DAEMON" --expected -c "$PC_TMP/portcomply.conf" |
	awk 'NR == 2 { at = index($0, "PROVENANCE") } $1 == "cti-server" && $5 == "cti" { print substr($0, at) }')
case $want in E60\ * | ERA\ * | X7\ * | L12\ * | INF\ * | UNV\ * | SITE\ *) ;; *) fail "--expected provenance '$want'" ;; esac
[ "$(mib_value pcExpectProvenance.$cti_row)" = "$want" ] ||
	fail "pcExpectProvenance '$(mib_value pcExpectProvenance.$cti_row)', --expected says '$want'"

log "the extra listener is unexpected, the ignored one ignored"
extra_port=$(listener_port extra 0)
[ "$(listener_column 8 tcp 127.0.0.1 "$extra_port")" = unexpected ] ||
	fail "127.0.0.1:$extra_port is not unexpected"
[ "$(listener_column 8 tcp 0.0.0.0 2222)" = ignored ] || fail "port 2222 is not ignored"
[ "$(listener_column 8 tcp 0.0.0.0 42067)" = expected ] || fail "42067 is not expected"
[ "$(listener_column 9 tcp 0.0.0.0 42067)" = cti-server ] ||
	fail "42067 is not attributed to cti-server"
[ "$(mib_value pcUnexpectedCount.0)" -ge 1 ] || fail "pcUnexpectedCount does not count it"

log "a required listener closed: missing after hold-down, host nonCompliant"
cti_index=$(awk '$1 == "bound" && $5 == 42067 { print $2 }' "$PC_TMP/listen-icm.out")
listener_do icm close "$cti_index"
wait_for 10 "the CTI Server listener to be missing" mib_is pcExpectStatus.$cti_row missing
[ "$(mib_value pcHostCompliance.0)" = nonCompliant ] || fail "the host is not nonCompliant"
[ "$(mib_value pcRoleCompliance.2)" = nonCompliant ] || fail "cti-server is not nonCompliant"
[ "$(mib_value pcRoleCompliance.1)" = compliant ] || fail "icm-router is no longer compliant"
[ "$(mib_value pcMissingCount.0)" = 1 ] || fail "pcMissingCount is not 1"
[ "$(snmp_get_value "$ROOT_OID.1.5.1.16.$cti_row")" -gt 0 ] || fail "pcExpectLastChange was not set"
grep -q 'pending' <(mib_value pcExpectStatus.$cti_row) && fail "still pending"

log "SET is refused with notWritable, by portcomplyd itself"
for object in "pcHostCompliance.0 i 1" "pcExpectPort.$cti_row u 1" "pcRoleName.1 s x"; do
	set -- $object
	snmpset -v2c -c private -t 1 -r 0 "$SNMP_TARGET" "PORT-COMPLIANCE-MIB::$1" "$2" "$3" \
		>"$PC_TMP/set.out" 2>&1 && fail "SET $1 succeeded"
	grep -q "Reason: notWritable" "$PC_TMP/set.out" || fail "SET $1: $(cat "$PC_TMP/set.out")"
done

log "frozen state: GETNEXT and GETBULK walks agree and increase"
stop_pid "$AGENT_PID"
write_agent_conf "poll-interval = 3600" "hold-down = 1" \
	'role "icm-router" { instance = 1  side = "a" }' \
	'role "cti-server" { instance = 1  side = "a" }' \
	'ignore { protocol = "tcp"  port = 2222 }'
start_agent
wait_agent_serving
# Names come from the naming thread, a poll after the first: let them in.
wait_for 10 "the listeners' processes named" naming_settled
walk_module snmpwalk >"$PC_TMP/walk-next.txt" || fail "snmpwalk failed: $(tail -n 2 "$PC_TMP/walk-next.txt")"
lines=$(wc -l <"$PC_TMP/walk-next.txt")
[ "$lines" -gt 500 ] || fail "the walk has only $lines lines"
for repetitions in 10 25 50; do
	walk_module snmpbulkwalk -Cr"$repetitions" >"$PC_TMP/walk-bulk-$repetitions.txt" ||
		fail "snmpbulkwalk -Cr$repetitions failed"
	diff -q "$PC_TMP/walk-next.txt" "$PC_TMP/walk-bulk-$repetitions.txt" >/dev/null ||
		fail "snmpbulkwalk -Cr$repetitions differs from snmpwalk: $(diff "$PC_TMP/walk-next.txt" "$PC_TMP/walk-bulk-$repetitions.txt" | head -5)"
done
# Strictly increasing, checked here too rather than trusting the tools.
awk '{ print $1 }' "$PC_TMP/walk-next.txt" | sed 's/^\.//' | tr . ' ' |
	awk 'NR > 1 { n = split(prev, a, " "); m = split($0, b, " "); less = 0; decided = 0
		for (i = 1; i <= n && i <= m; i++) if (a[i] != b[i]) { less = (a[i] + 0 < b[i] + 0); decided = 1; break }
		if (!decided) less = (n < m)
		if (!less) { print "not increasing at line " NR; exit 1 } }
		{ prev = $0 }' || fail "the walk is not in strictly increasing OID order"
log "ok: $lines objects, walks identical for GETNEXT and GETBULK -Cr10/25/50"

log "--check --format json agrees with the MIB"
rc=0
"$PC_DAEMON" --check --format json -c "$PC_TMP/portcomply.conf" >"$PC_TMP/check.json" || rc=$?
case $(mib_value pcHostCompliance.0) in
compliant) want=0 ;; degraded) want=1 ;; nonCompliant) want=2 ;; *) want=3 ;;
esac
[ "$rc" = "$want" ] || fail "--check exited $rc where the MIB's compliance means $want"
perl -MJSON::PP -e '
	local $/; my $r = decode_json(<STDIN>);
	print "host $r->{compliance}\n";
	print "expect $_->{role_index}.$_->{rule_index}.$_->{member} $_->{status}\n" for @{$r->{expectations}};
	print "listener $_->{protocol} $_->{address} $_->{port} $_->{class}\n" for @{$r->{listeners}};
' <"$PC_TMP/check.json" | sort >"$PC_TMP/check-view.txt"
{
	echo "host $(mib_value pcHostCompliance.0)"
	snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$ROOT_OID.1.5.1.11" |
		sed "s|^$ROOT_OID.1.5.1.11.|expect |"
	snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$ROOT_OID.1.3.1.8" |
		"$PC_INDEX" "$ROOT_OID.1.3.1.8" | sed 's/^/listener /'
} | sort >"$PC_TMP/mib-view.txt"
diff "$PC_TMP/mib-view.txt" "$PC_TMP/check-view.txt" ||
	fail "--check --format json and the MIB disagree (diff above: < MIB, > --check)"
log "ok: --check and the MIB agree on $(grep -c . "$PC_TMP/mib-view.txt") facts"
