# A stalled master (SIGSTOP) does not delay detection: the poll thread
# never waits on it. A listener dies 1 s into a 5 s stall; once the master
# runs again, the pcListenerMissing notification arrives, and its sysUpTime
# (when the agent detected the loss) lies within the stall, seconds before
# the master resumed.
. "$(dirname "$0")/lib.sh"

start_trapd
start_snmpd
start_svc_listeners victim
write_agent_conf "hold-down = 1" "$SVC_CATALOG" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant

kill -STOP "$SNMPD_PID"
# Not readiness waits: the stall itself is what is being tested.
sleep 1
kill -KILL "$LISTEN_PID_victim"
sleep 4
kill -CONT "$SNMPD_PID"
resumed=$(snmpget -v2c -c public -t 5 -r 1 -On -Oqvt "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0)
wait_for 20 "pcListenerMissing after the stall" trap_count_at_least 1 pcListenerMissing "STRING: req"
detected=$(traps pcListenerMissing "STRING: req" | head -n 1 |
	sed -n 's/.*sysUpTimeInstance = Timeticks: (\([0-9]*\)).*/\1/p')
log "detected at sysUpTime $detected, master resumed at $resumed (ticks of 10 ms)"
[ -n "$detected" ] || fail "no sysUpTime in the notification"
[ $((resumed - detected)) -ge 250 ] ||
	fail "detection was delayed by the stalled master: detected $((resumed - detected)) ticks before it resumed"
kill -0 "$AGENT_PID" || fail "portcomplyd exited"
log "ok"
