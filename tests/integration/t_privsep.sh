# SPDX-License-Identifier: ISC
# Least privilege: started as root, the process that holds the AgentX
# connection runs as an unprivileged user with no capability at all and
# no_new_privs; the monitor and the naming helper it starts keep
# CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only, and nothing of the
# daemon's; root's listeners are still named; both exit when the daemon
# dies. Started unprivileged, the daemon runs with the reduced naming
# (root's listeners show pid 0).
. "$(dirname "$0")/lib.sh"

HELPER_CAPS=0000000000080004 # CAP_SYS_PTRACE (19) | CAP_DAC_READ_SEARCH (2)

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# The pid of the process holding the client end of the AgentX connection:
# the peer of the socket snmpd accepted on $AGENTX_SOCKET.
agentx_client_pid() {
	local peer fd
	peer=$(ss -Hxn state established | awk -v p="$AGENTX_SOCKET" '$4 == p { print $7; exit }')
	[ -n "$peer" ] || return 1
	fd=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\[$peer\]" 2>/dev/null | head -n 1)
	[ -n "$fd" ] || return 1
	fd=${fd#/proc/}
	echo "${fd%%/*}"
}

start_snmpd
start_listeners root tcp/127.0.0.1/0
port=$(listener_port root 0)
write_agent_conf
start_agent
wait_agent_serving

wait_for 10 "the AgentX connection" agentx_client_pid
pid=$(agentx_client_pid)
log "AgentX connection held by pid $pid ($(cat "/proc/$pid/comm"))"
[ "$pid" = "$AGENT_PID" ] || fail "the AgentX connection is held by $pid, not the daemon $AGENT_PID"
uid=$(status_field "$pid" Uid)
[ "$uid" != 0 ] && [ "$uid" = "$(id -u "$PC_AGENT_USER")" ] || fail "AgentX side runs as uid $uid"
[ "$(status_field "$pid" CapEff)" = 0000000000000000 ] || fail "AgentX side has capabilities: $(status_field "$pid" CapEff)"
[ "$(status_field "$pid" CapPrm)" = 0000000000000000 ] || fail "AgentX side may regain capabilities"
[ "$(status_field "$pid" CapBnd)" = 0000000000000000 ] || fail "AgentX side's bounding set is not empty"
[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || fail "AgentX side lacks no_new_privs"

monitor=$(monitor_pid) || fail "no privileged monitor under the daemon"
helper=$(naming_helper_pid) || fail "no naming helper under the monitor"
for p in "$monitor" "$helper"; do
	name=$(cat "/proc/$p/comm")
	log "$name, pid $p: CapEff $(status_field "$p" CapEff)"
	[ "$(status_field "$p" CapEff)" = "$HELPER_CAPS" ] || fail "$name CapEff $(status_field "$p" CapEff)"
	[ "$(status_field "$p" CapPrm)" = "$HELPER_CAPS" ] || fail "$name CapPrm $(status_field "$p" CapPrm)"
	[ "$(status_field "$p" CapBnd)" = "$HELPER_CAPS" ] || fail "$name CapBnd $(status_field "$p" CapBnd)"
	[ "$(status_field "$p" NoNewPrivs)" = 1 ] || fail "$name lacks no_new_privs"
	# Beyond stdio: its sockets and the /proc it reads, nothing of the daemon's.
	extra=$(for fd in /proc/"$p"/fd/*; do
		n=${fd##*/}
		[ "$n" -le 2 ] || readlink "$fd"
	done | grep -vx -e '/proc' -e 'socket:\[[0-9]*\]' || true)
	[ -z "$extra" ] || fail "$name holds more than its sockets and /proc: $extra"
done
[ "$(ls /proc/"$monitor"/fd | sort -n | tail -n 1)" = 3 ] || fail "the monitor holds more than its one socket"

named() { [ "$(listener_column 6 tcp 127.0.0.1 "$port")" = "$LISTEN_PID_root" ]; }
wait_for 10 "root's listener to be named" named
[ "$(listener_column 7 tcp 127.0.0.1 "$port")" = '"listen"' ] ||
	[ "$(listener_column 7 tcp 127.0.0.1 "$port")" = listen ] ||
	fail "root's listener named '$(listener_column 7 tcp 127.0.0.1 "$port")'"
log "root's listener tcp 127.0.0.1:$port named: pid $LISTEN_PID_root"

# The destroy-event subscription works unprivileged too.
if grep -qi 'destroy event' "$PC_TMP/portcomplyd.log"; then
	fail "the unprivileged daemon lost the destroy events: $(grep -i 'destroy event' "$PC_TMP/portcomplyd.log")"
fi

kill -KILL "$AGENT_PID"
wait_for 10 "the monitor and the helper to exit with the daemon" \
	sh -c "! kill -0 $helper 2>/dev/null && ! kill -0 $monitor 2>/dev/null"
log "monitor and helper exited when the daemon was killed"

log "started unprivileged: runs, names only what it may read"
: >"$PC_TMP/portcomplyd.log"
chown "$PC_AGENT_USER" "$PC_TMP/portcomplyd.log"
start_bg AGENT_PID setpriv --reuid="$PC_AGENT_USER" --regid="$(id -g "$PC_AGENT_USER")" \
	--clear-groups --inh-caps=-all --bounding-set=-all \
	"$PC_DAEMON" -f -x "$AGENTX_SOCKET" -c "$PC_TMP/portcomply.conf" -Lf "$PC_TMP/portcomplyd.log"
wait_agent_serving
wait_next_poll
[ "$(listener_column 6 tcp 127.0.0.1 "$port")" = 0 ] || fail "an unprivileged daemon named root's listener"
pgrep -P "$AGENT_PID" >/dev/null && fail "an unprivileged daemon started a helper"
log "ok"
