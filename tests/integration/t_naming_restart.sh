# SPDX-License-Identifier: ISC
# Naming survives its helper. Killed, the helper is restarted
# (pcNamingRestarts) and root's listeners are named again; stopped, an
# owner-process check says unknown (never wrongOwner, no
# pcListenerMissing) and the helper is taken back when continued; SIGTERM
# stops the daemon while the helper is stopped, and the pid file goes on
# every way out, the helper killed first included.
. "$(dirname "$0")/lib.sh"

# A child of this shell that has exited is a zombie until reaped: gone all the same.
exited() { ! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"; }
pid_on() { [ "$(snmp_get_value "$(listener_oid 6 tcp 0.0.0.0 "$1")")" = "$2" ]; }

start_trapd
start_snmpd
start_svc_listeners owned
conf_lines=("hold-down = 5" "$SVC_CATALOG"
	'role "svc" { owner-user = "root"  override "opt" { owner-process = "listen" } }'
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  port = 1161 }')
write_agent_conf "${conf_lines[@]}"
pidfile=$PC_TMP/portcomplyd.pid
start_agent -p "$pidfile"
wait_agent_serving
wait_for 10 "compliant" mib_is pcHostCompliance.0 compliant
wait_for 30 "the owner of svc/opt matched" mib_is pcExpectOwnerCheck.1.2.1 matched
[ "$(mib_value pcExpectOwnerPid.1.2.1)" = "$LISTEN_PID_keep" ] || fail "pcExpectOwnerPid is not listen's"

log "the helper killed: another one names root's new listener"
helper=$(naming_helper_pid) || fail "no naming helper"
kill -KILL "$helper"
listener_do owned close 0
listener_do owned open 0 # a new socket, which only a privileged helper can name
wait_for 30 "root's new listener on 7001 named" pid_on 7001 "$LISTEN_PID_owned"
wait_for 10 "pcNamingRestarts to be 1" mib_is pcNamingRestarts.0 1
wait_for 10 "pcNamingStatus working" mib_is pcNamingStatus.0 working
helper=$(naming_helper_pid) || fail "no naming helper after the restart"
grep -q "naming processes is degraded: the naming helper (pid [0-9]*) is gone" "$PC_TMP/portcomplyd.log" ||
	fail "the helper's death is not said"

log "the helper stopped: the owner is unknown, never wrong"
kill -STOP "$helper"
listener_do keep close 0
listener_do keep open 0 # svc/opt's new socket: its process cannot be named now
wait_for 30 "the owner of svc/opt unknown" mib_is pcExpectOwnerCheck.1.2.1 unknown
[ "$(mib_value pcNamingStatus.0)" = degraded ] || fail "naming is not degraded"
[ "$(mib_value pcExpectStatus.1.2.1)" = present ] || fail "svc/opt is $(mib_value pcExpectStatus.1.2.1)"
kill -CONT "$helper"
wait_for 30 "the owner of svc/opt matched again" mib_is pcExpectOwnerCheck.1.2.1 matched
wait_for 10 "pcNamingStatus working" mib_is pcNamingStatus.0 working
[ "$(trap_count pcListenerMissing)" = 0 ] || fail "pcListenerMissing: $(traps pcListenerMissing)"
[ "$(mib_value pcNamingRestarts.0)" = 1 ] || fail "a stopped helper was replaced"

log "SIGTERM while the helper is stopped"
kill -STOP "$helper"
monitor=$(monitor_pid)
started=$(now_ms)
kill -TERM "$AGENT_PID"
wait_for 10 "the daemon to exit" exited "$AGENT_PID"
log "stopped in $(($(now_ms) - started)) ms"
[ ! -e "$pidfile" ] || fail "the pid file is still there"
wait_for 10 "the monitor and the helper to exit" sh -c "! kill -0 $monitor 2>/dev/null && ! kill -0 $helper 2>/dev/null"

log "the helper killed first, then SIGTERM"
: >"$PC_TMP/portcomplyd.log"
start_agent -p "$pidfile"
wait_agent_serving
wait_for 10 "the pid file" test -s "$pidfile"
kill -KILL "$(naming_helper_pid)"
kill -TERM "$AGENT_PID"
wait_for 10 "the daemon to exit" exited "$AGENT_PID"
[ ! -e "$pidfile" ] || fail "the pid file is still there"
log "ok"
