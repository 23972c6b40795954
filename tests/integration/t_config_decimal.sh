# SPDX-License-Identifier: ISC
# Numbers in the configuration are decimal. libconfuse alone reads a
# leading zero as octal: "port = 07003" became 3587 and
# "ignore { port = 022 }" ignored tcp/18 while tcp/22 was reported, without
# a word. Such a value is refused at its FILE:LINE, naming it, at start
# (exit status 2, nothing served) and on reload (the previous
# configuration keeps serving, unchanged); "0" itself stays valid.
. "$(dirname "$0")/lib.sh"

start_snmpd
start_svc_listeners svc
start_listeners extra tcp/0.0.0.0/7003 tcp/0.0.0.0/22 tcp/0.0.0.0/18
conf=$PC_TMP/portcomply.conf
octal=('role "svc" {}' 'role "siteonly" {' '	override "site" { port = 07003 }' '}'
	'ignore { protocol = "tcp"  port = 022 }')
# the lines of the two values in the file write_agent_conf writes
value_lines() {
	port_line=$(grep -n 'port = 07003' "$conf" | cut -d: -f1)
	ignore_line=$(grep -n 'port = 022' "$conf" | cut -d: -f1)
}

log "at start: refused with FILE:LINE and the value, exit status 2"
write_agent_conf "$SVC_CATALOG" "${octal[@]}"
value_lines
rc=0
timeout 60 "$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$conf" \
	-Lf "$PC_TMP/refused.log" 2>"$PC_TMP/start.err" || rc=$?
[ "$rc" = 2 ] || fail "portcomplyd started on octal numbers: exit $rc, $(cat "$PC_TMP/start.err")"
grep -qx "$conf:$port_line: port = 07003: a leading zero: numbers are decimal, not octal (write 7003)" \
	"$PC_TMP/start.err" || fail "no FILE:LINE for port = 07003: $(cat "$PC_TMP/start.err")"
grep -qx "$conf:$ignore_line: port = 022: a leading zero: numbers are decimal, not octal (write 22)" \
	"$PC_TMP/start.err" || fail "no FILE:LINE for port = 022: $(cat "$PC_TMP/start.err")"
snmp_get_value "$OID_POLL_COUNT" | grep -q 'No Such Object' ||
	fail "the module is served after a refused start: $(snmp_get_value "$OID_POLL_COUNT")"

log "serving the same configuration in decimal, with zeros where zero is allowed"
write_agent_conf "$SVC_CATALOG" flap-threshold=0 notify-rate-limit=0 'role "svc" {}' \
	'role "siteonly" {' '	override "site" { port = 7003 }' '}' \
	'ignore { protocol = "tcp"  port = 22 }'
start_agent
wait_agent_serving
class_is() { [ "$(listener_column 8 tcp 0.0.0.0 "$1")" = "$2" ]; }
wait_for 10 "tcp/22 ignored" class_is 22 ignored
class_is 18 unexpected || fail "tcp/18 is $(listener_column 8 tcp 0.0.0.0 18), not unexpected"
[ "$(mib_value pcExpectPort.2.1.1)" = 7003 ] || fail "siteonly does not expect 7003"

log "on reload: refused with FILE:LINE and the value; nothing of it applied"
write_agent_conf "$SVC_CATALOG" flap-threshold=0 notify-rate-limit=0 "${octal[@]}"
value_lines
kill -HUP "$AGENT_PID"
wait_for 30 "the refusal in the log" grep -q 'still serving the previous configuration' \
	"$PC_TMP/portcomplyd.log"
grep -q "$conf:$port_line: port = 07003: a leading zero" "$PC_TMP/portcomplyd.log" ||
	fail "the log does not name FILE:LINE and 07003: $(grep -i zero "$PC_TMP/portcomplyd.log")"
grep -q "$conf:$ignore_line: port = 022: a leading zero" "$PC_TMP/portcomplyd.log" ||
	fail "the log does not name FILE:LINE and 022"
wait_next_poll
class_is 22 ignored || fail "tcp/22 is $(listener_column 8 tcp 0.0.0.0 22) after the refused reload"
class_is 18 unexpected || fail "tcp/18 is $(listener_column 8 tcp 0.0.0.0 18) after the refused reload"
[ "$(mib_value pcExpectPort.2.1.1)" = 7003 ] ||
	fail "siteonly expects $(mib_value pcExpectPort.2.1.1) after the refused reload"
kill -0 "$AGENT_PID" || fail "portcomplyd exited on a refused reload"
log "ok"
