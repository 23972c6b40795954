# SPDX-License-Identifier: ISC
# Restarts are not news. A listener that comes back on the same protocol,
# address and port, held by the same user and program, is not announced
# again: snmpd restarted three times (its udp/1161 and tcp/199 come back;
# its socket for trap2sink comes back on a port the kernel picks, a
# client's, which is no listener at all and counts nowhere), a service
# restarted. Held by another user, or by another program, it is announced.
# The agent restarted: only what appeared while it was down is announced;
# a baseline file that does not parse is said once and the agent serves.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd # with trap2sink, as the README configures it
start_listeners svc tcp/0.0.0.0/7001 udp/0.0.0.0/7002
write_agent_conf "hold-down = 1"
start_agent
wait_agent_serving
# No role, no ignore: snmpd's udp/1161 and tcp/199, snmptrapd's udp/1162 and the
# service's two listeners are unexpected from the start, which is the baseline.
wait_for 10 "the five unexpected listeners" mib_is pcUnexpectedCount.0 5
# The first poll is the baseline, named or not; a restart compares the
# program, so snmpd's names must have reached the baseline first (the MIB
# shows them from the same poll).
snmpd_named() {
	listener_column 7 tcp 0.0.0.0 199 | grep -q snmpd &&
		listener_column 7 udp 127.0.0.1 1161 | grep -q snmpd
}
wait_for 40 "snmpd's listeners named" snmpd_named

# snmpd's UDP sockets but its udp/1161: the one its trap sink sends from.
trap_socket_open() {
	ss -Hlunp | awk '/"snmpd"/ { n = split($4, a, ":"); if (a[n] != 1161) found = 1 }
		END { exit !found }'
}

for round in 1 2 3; do
	log "snmpd restart $round"
	stop_snmpd
	start_snmpd
	wait_agent_serving 20
	wait_for 10 "snmpd's socket for its trap sink" trap_socket_open
	wait_next_poll
	[ "$(mib_value pcUnexpectedCount.0)" = 5 ] ||
		fail "pcUnexpectedCount is $(mib_value pcUnexpectedCount.0) after snmpd restart $round, not 5"
	# snmpd's trap sink, and this test's own snmpget when a poll saw it
	[ "$(mib_value pcUdpClientCount.0)" -ge 1 ] ||
		fail "pcUdpClientCount is $(mib_value pcUdpClientCount.0), not 1 or more (snmpd's trap sink)"
done

log "the service restarted, as the same user and program"
stop_pid "$LISTEN_PID_svc"
wait_for 10 "the service's listeners to be gone" mib_is pcUnexpectedCount.0 3
start_listeners svc2 tcp/0.0.0.0/7001 udp/0.0.0.0/7002
wait_for 10 "the service's listeners to be back" mib_is pcUnexpectedCount.0 5

log "tcp/7001 back as another user, udp/7002 as another program"
stop_pid "$LISTEN_PID_svc2"
wait_for 10 "the service's listeners to be gone" mib_is pcUnexpectedCount.0 3
LISTEN_AS=65534 start_listeners other tcp/0.0.0.0/7001
cp "$PC_LISTEN" "$PC_TMP/svc-impostor"
PC_LISTEN=$PC_TMP/svc-impostor start_listeners impostor udp/0.0.0.0/7002
wait_for 40 "pcUnexpectedListener for tcp/7001" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyProtocol.0 = INTEGER: tcp(6)" "pcNotifyPort.0 = Gauge32: 7001"
wait_for 40 "pcUnexpectedListener for udp/7002" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyProtocol.0 = INTEGER: udp(17)" "pcNotifyPort.0 = Gauge32: 7002" "STRING: svc-impostor"
# Each announcement comes after those of what appeared before it: nothing
# else was announced, neither snmpd's sockets nor the service's restart.
[ "$(trap_count pcUnexpectedListener)" = 2 ] ||
	fail "announced besides tcp/7001 and udp/7002: $(traps pcUnexpectedListener)"

log "the agent restarted; tcp/7003 opened while it was down"
wait_for 40 "the baseline written" grep -q '^udp ipv4 00000000 7002 0 svc-impostor$' "$PC_TMP/state/baseline"
stop_pid "$AGENT_PID"
start_listeners late tcp/0.0.0.0/7003
start_agent
wait_agent_serving 20
wait_for 40 "pcUnexpectedListener for tcp/7003" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: 7003"
# A listener that appears now is announced after whatever the start
# announced: then only tcp/7003 may have been.
start_listeners barrier udp/::1/7009
wait_for 40 "pcUnexpectedListener for udp/[::1]:7009" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: 7009"
[ "$(trap_count pcUnexpectedListener)" = 4 ] ||
	fail "the restart announced more than tcp/7003: $(traps pcUnexpectedListener)"

log "a baseline that does not parse: said once, the agent serves"
stop_pid "$AGENT_PID"
printf 'portcomplyd baseline 1\nudp ipv4 7f000001 70000 0 snmpd\n' >"$PC_TMP/state/baseline"
start_agent
wait_agent_serving 20
grep -q "state/baseline:2: the port is not a number from 1 to 65535; the first poll is the baseline again" \
	"$PC_TMP/portcomplyd.log" || fail "the bad baseline was not reported"
wait_for 40 "a new baseline written" grep -q '^tcp ipv4 00000000 7003 0 listen$' "$PC_TMP/state/baseline"
log "ok"
