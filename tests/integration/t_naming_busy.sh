# SPDX-License-Identifier: ISC
# On a busy host (130 processes holding 117,000 descriptors: a walk of
# every process's open files costs hundreds of milliseconds, so such
# walks are paced tens of seconds apart), new TCP listeners, one right
# after the other, are each announced with the process that opened them:
# the announcement waits for the naming that covers the socket (a fact),
# and that naming looks at the newest processes first.
. "$(dirname "$0")/lib.sh"
own_pid_namespace

start_trapd
start_snmpd
start_bg CROWD_PID "$PC_BUILD/helpers/crowd" files 900 130 >"$PC_TMP/crowd.out"
wait_for 60 "the crowd of processes" grep -qx ready "$PC_TMP/crowd.out"
write_agent_conf
start_agent
wait_agent_serving 60
wait_for 60 "the first verdict" trap_count_at_least 1 pcComplianceChanged

announced_with_process() { # NAME
	local port pid
	port=$(listener_port "$1" 0)
	pid_var=LISTEN_PID_$1
	wait_for 120 "pcUnexpectedListener for tcp/$port" trap_count_at_least 1 pcUnexpectedListener \
		"pcNotifyPort.0 = Gauge32: $port"
	traps pcUnexpectedListener "pcNotifyPort.0 = Gauge32: $port" >"$PC_TMP/trap-$1"
	grep -q "pcListenerPid\.tcp\.ipv4\.\"0\.0\.0\.0\"\.$port = Gauge32: ${!pid_var}	" "$PC_TMP/trap-$1" ||
		fail "tcp/$port announced without its pid ${!pid_var}: $(cat "$PC_TMP/trap-$1")"
	grep -q "pcListenerProcess\.tcp\.ipv4\.\"0\.0\.0\.0\"\.$port = STRING: listen" "$PC_TMP/trap-$1" ||
		fail "tcp/$port announced without its process: $(cat "$PC_TMP/trap-$1")"
	log "tcp/$port announced with pid ${!pid_var}, process listen"
}

start_listeners first tcp/0.0.0.0/0
start_listeners second tcp/0.0.0.0/0
announced_with_process first
announced_with_process second
start_listeners third tcp/0.0.0.0/0
announced_with_process third
log "ok"
