# SPDX-License-Identifier: ISC
# A rule overridden again and again (1,000 times; a whole 1 MiB file of
# it) is refused at start (exit status 2) and on reload (the previous
# configuration keeps serving) with the first 20 repeats at their
# FILE:LINE, each against the first override, and a count of the rest:
# n copies are n - 1 mistakes. Every pair was once compared and reported
# (499,500 errors for 1,000 copies), which took a minute for the 1 MiB
# file: it must now be refused within the deadline a loaded machine gets.
. "$(dirname "$0")/lib.sh"

start_snmpd
start_svc_listeners svc
start_listeners extra tcp/0.0.0.0/7003
conf=$PC_TMP/portcomply.conf

# repeated_config COPIES|fill: the configuration with the override of
# siteonly's rule "site" given COPIES times, or as many times as fit in
# 1 MiB; COPIES and FIRST (the first override's line) set.
repeated_config() {
	write_agent_conf "$SVC_CATALOG" 'role "svc" {}' 'role "siteonly" {'
	FIRST=$(($(wc -l <"$conf") + 1))
	local line='	override "site" { port = 7004 }' limit=1048500
	if [ "$1" = fill ]; then
		COPIES=$(((limit - $(wc -c <"$conf")) / (${#line} + 1)))
	else
		COPIES=$1
	fi
	awk -v n="$COPIES" -v line="$line" 'BEGIN { for (i = 0; i < n; i++) print line }' >>"$conf"
	echo '}' >>"$conf"
	[ "$(wc -c <"$conf")" -le 1048576 ] || fail "the test's file is over 1 MiB"
}

# refused_as_expected FILE: the first 20 repeats, each against the first
# override, then the count of the others; nothing else.
refused_as_expected() {
	local i out=$1
	for i in $(seq 1 20); do
		grep -qx "$conf:$((FIRST + i)): rule site is overridden twice in this role (first at line $FIRST)" \
			"$out" || fail "repeat $i is not reported at its line: $(head -3 "$out")"
	done
	grep -qx "$conf: $((COPIES - 21)) more like the above, not shown" "$out" ||
		fail "the rest is not counted as $((COPIES - 21)): $(grep 'more like' "$out")"
	[ "$(grep -c "^$conf[: ]" "$out")" = 21 ] || fail "$(grep -c "^$conf[: ]" "$out") lines, not 21"
}

for copies in 1000 fill; do
	repeated_config "$copies"
	log "at start, $COPIES copies ($(wc -c <"$conf") bytes): exit status 2, counted"
	rc=0
	timeout 60 "$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" -c "$conf" \
		-Lf "$PC_TMP/refused.log" 2>"$PC_TMP/start.err" || rc=$?
	[ "$rc" = 2 ] || fail "exit $rc, not 2 (124: not refused within 60 s)"
	refused_as_expected "$PC_TMP/start.err"
done
snmp_get_value "$OID_POLL_COUNT" | grep -q 'No Such Object' || fail "the module is served"

log "on reload: the 1 MiB file refused and counted, the previous configuration serving"
write_agent_conf "$SVC_CATALOG" 'role "svc" {}' 'role "siteonly" {' \
	'	override "site" { port = 7003 }' '}'
start_agent
wait_agent_serving
[ "$(mib_value pcExpectPort.2.1.1)" = 7003 ] || fail "siteonly does not expect 7003"
repeated_config fill
kill -HUP "$AGENT_PID"
wait_for 60 "the refusal in the log" grep -q 'still serving the previous configuration' \
	"$PC_TMP/portcomplyd.log"
grep "^$conf[: ]" "$PC_TMP/portcomplyd.log" >"$PC_TMP/reload.err" || true
refused_as_expected "$PC_TMP/reload.err"
[ "$(mib_value pcExpectPort.2.1.1)" = 7003 ] || fail "the expected port changed"
kill -0 "$AGENT_PID" || fail "portcomplyd exited on a refused reload"
log "ok"
