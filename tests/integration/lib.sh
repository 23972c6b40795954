# SPDX-License-Identifier: ISC
# Sourced by every integration scenario (tests/integration/t_*.sh).
#
# run.sh starts each scenario inside its own network namespace (unshare -n,
# loopback only) with PC_ROOT, PC_BUILD and PC_TMP set. Everything a
# scenario starts goes through start_bg, so that the EXIT trap stops it by
# pid whether the scenario passes, fails or is interrupted. Readiness is
# always polled for (wait_for), never assumed after a fixed sleep.
set -euo pipefail

: "${PC_ROOT:?run me through tests/integration/run.sh}"
: "${PC_BUILD:?run me through tests/integration/run.sh}"
: "${PC_TMP:?run me through tests/integration/run.sh}"

PC_DAEMON=$PC_BUILD/portcomplyd
PC_LISTEN=$PC_BUILD/helpers/listen
PC_INDEX=$PC_BUILD/helpers/pcindex
AGENTX_SOCKET=$PC_TMP/agentx.sock
SNMP_TARGET=127.0.0.1:1161

# The module root, as the agent itself derives it from the MIB.
ROOT_OID=.$(sed -n 's/^#define PC_MIB_ROOT \(.*\)$/\1/p' "$PC_BUILD/gen/mib_root.h" | tr -d ' ' | tr , .)
OID_POLL_COUNT=$ROOT_OID.1.1.1.0
OID_LISTENER_COUNT=$ROOT_OID.1.1.4.0
OID_LISTENER_SOCKETS=$ROOT_OID.1.3.1.5

# net-snmp clients: no user or system snmp.conf, our MIB on the search path.
export SNMPCONFPATH=$PC_TMP/snmpconf
mkdir -p "$SNMPCONFPATH"
export MIBDIRS="+$PC_ROOT/mibs"
export MIBS="+PORT-COMPLIANCE-MIB"

# Started as root, portcomplyd serves as this user (portcomplyd -u); the
# machine has no portcomply user, and tests must not create one. The AgentX
# socket and the test directory let it in.
PC_AGENT_USER=nobody
chmod 0755 "$PC_TMP"

STARTED_PIDS=()

# own_pid_namespace: re-runs the scenario, from its start, in a pid
# namespace of its own with its own /proc, so that its agent sees the
# processes the scenario makes (a crowd of them: a busy host) and none of
# the scenarios running beside it: what it measures is its own doing.
# Call it first, before starting anything.
own_pid_namespace() {
	[ -n "${PC_OWN_PIDS:-}" ] && return 0
	PC_OWN_PIDS=1 exec unshare --pid --fork --mount-proc bash "$0"
}

log() { echo "# $*"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# stop_pid PID: TERM, then KILL if it lingers; reaps it.
stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local rc=$? i
	set +e
	# Last started, first stopped: the agent before its master.
	for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
		stop_pid "${STARTED_PIDS[i]}"
	done
	if [ "$rc" != 0 ]; then
		for f in "$PC_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $(basename "$f") (last 30 lines)" >&2
			tail -n 30 "$f" >&2
		done
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg VAR CMD...: start CMD in the background, its pid in VAR.
start_bg() {
	local var=$1
	shift
	"$@" &
	local pid=$!
	STARTED_PIDS+=("$pid")
	printf -v "$var" '%s' "$pid"
}

now_ms() { date +%s%3N; }

# wait_for SECONDS WHAT CMD...: poll CMD every 20 ms until it succeeds.
wait_for() {
	local limit_ms=$(($(now_ms) + $1 * 1000)) what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -lt "$limit_ms" ] || fail "timed out waiting for $what"
		sleep 0.02
	done
}

# ---- snmpd as the AgentX master ----

write_snmpd_conf() {
	mkdir -p "$PC_TMP/snmpd"
	cat >"$PC_TMP/snmpd/snmpd.conf" <<EOF
agentaddress udp:$SNMP_TARGET
master agentx
agentXSocket $AGENTX_SOCKET
agentXPerms 0666 0755
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:1162 public
dontLogTCPWrappersConnects yes
EOF
}

start_snmpd() {
	[ -f "$PC_TMP/snmpd/snmpd.conf" ] || write_snmpd_conf
	SNMP_PERSISTENT_DIR=$PC_TMP/snmpd/persist start_bg SNMPD_PID \
		snmpd -f -C -c "$PC_TMP/snmpd/snmpd.conf" -Lf "$PC_TMP/snmpd.log" \
		-p "$PC_TMP/snmpd/snmpd.pid"
	wait_for 10 "snmpd to answer" snmpget -v2c -c public -t 0.2 -r 0 "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0
	wait_for 10 "snmpd's AgentX socket" test -S "$AGENTX_SOCKET"
}

stop_snmpd() {
	stop_pid "$SNMPD_PID"
}

# ---- snmptrapd as the notification receiver ----

start_trapd() {
	mkdir -p "$PC_TMP/trapd"
	echo "authCommunity log public" >"$PC_TMP/trapd/snmptrapd.conf"
	: >"$PC_TMP/traps.log"
	# One line per notification, varbinds by MIB name, tab-separated.
	SNMP_PERSISTENT_DIR=$PC_TMP/trapd/persist start_bg TRAPD_PID \
		snmptrapd -f -C -c "$PC_TMP/trapd/snmptrapd.conf" -Lf "$PC_TMP/traps.log" \
		-F 'TRAP %v\n' udp:127.0.0.1:1162
	wait_for 10 "snmptrapd to start" grep -q 'NET-SNMP version' "$PC_TMP/traps.log"
}

# traps NOTIFICATION [PATTERN...]: the received notifications of that name
# whose line contains every pattern (fixed strings), one per line.
traps() {
	local line pattern ok
	grep "snmpTrapOID.0 = OID: PORT-COMPLIANCE-MIB::$1" "$PC_TMP/traps.log" | while IFS= read -r line; do
		ok=1
		for pattern in "${@:2}"; do
			[[ $line == *"$pattern"* ]] || ok=0
		done
		if [ "$ok" = 1 ]; then printf '%s\n' "$line"; fi
	done
	return 0
}

# trap_count NOTIFICATION [PATTERN...]
trap_count() {
	traps "$@" | wc -l
}

# trap_count_at_least N NOTIFICATION [PATTERN...]: for wait_for.
trap_count_at_least() {
	[ "$(trap_count "${@:2}")" -ge "$1" ]
}

# ---- portcomplyd ----

# write_agent_conf [LINE...]: a configuration with test-friendly timings,
# and the baseline in the scenario's own state directory ($PC_TMP/state).
# A "key = value" line replaces that key's default; other lines (roles,
# ignores) are appended as they are.
write_agent_conf() {
	local -A settings=([catalog]="\"$PC_ROOT/conf/catalog\"" [poll-interval]=1 [agentx-retry]=1
		[state-directory]="\"$PC_TMP/state\"")
	local extra=() line key
	for line in "$@"; do
		if [[ $line =~ ^([a-z-]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
			settings[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		else
			extra+=("$line")
		fi
	done
	{
		for key in "${!settings[@]}"; do
			echo "$key = ${settings[$key]}"
		done
		printf '%s\n' "${extra[@]}"
	} >"$PC_TMP/portcomply.conf"
}

# start_agent [OPTIONS...]: portcomplyd in the foreground on our master.
start_agent() {
	[ -f "$PC_TMP/portcomply.conf" ] || write_agent_conf
	start_bg AGENT_PID "$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$AGENTX_SOCKET" \
		-c "$PC_TMP/portcomply.conf" -Lf "$PC_TMP/portcomplyd.log" "$@"
}

# wait_agent_serving: the agent has registered and completed a poll.
wait_agent_serving() {
	wait_for "${1:-10}" "portcomplyd to serve a completed poll" poll_count_at_least 1
}

snmp_get_value() {
	snmpget -v2c -c public -t 1 -r 1 -On -Oqvt "$SNMP_TARGET" "$1"
}

poll_count() {
	snmp_get_value "$OID_POLL_COUNT"
}

poll_count_at_least() {
	local n
	n=$(poll_count 2>/dev/null) || return 1
	[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge "$1" ]
}

# wait_next_poll: returns once a poll that started after this call has
# been published (two increments: the one in progress may predate us).
wait_next_poll() {
	local start
	start=$(poll_count)
	wait_for "${1:-10}" "a poll after poll $start" poll_count_at_least $((start + 2))
}

# listener_table: the MIB's listeners as "proto address port sockets", sorted.
listener_table() {
	snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$OID_LISTENER_SOCKETS" |
		"$PC_INDEX" "$OID_LISTENER_SOCKETS" | sort
}

# mib_value NAME.INDEX: one value by MIB name (enumerations as labels).
mib_value() {
	snmpget -v2c -c public -t 1 -r 1 -OqvU "$SNMP_TARGET" "PORT-COMPLIANCE-MIB::$1"
}

# mib_is NAME.INDEX VALUE: for wait_for.
mib_is() {
	[ "$(mib_value "$1" 2>/dev/null)" = "$2" ]
}

# walk_module [snmpwalk|snmpbulkwalk] [OPTIONS...]: the whole module, numeric
# OIDs; fails on any error, "OID not increasing" included.
walk_module() {
	local tool=$1
	shift
	"$tool" -v2c -c public -t 2 -r 1 -On "$@" "$SNMP_TARGET" "$ROOT_OID"
}

# expected_listen_ports CONFIG: "proto port" for every numbered listen rule
# (the first port of a range), from portcomplyd --expected.
expected_listen_ports() {
	"$PC_DAEMON" --expected -c "$1" |
		awk '$1 !~ /^#/ && $8 == "listen" && $7 ~ /^[0-9]/ { split($7, p, "-"); print $6, p[1] }' |
		sort -u
}

# listener_column COLUMN PROTO ADDRESS PORT: one pcListenerTable value, the
# address as ss prints it (the index is decoded, not parsed from a name).
listener_column() {
	local oid=$ROOT_OID.1.3.1.$1
	snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$oid" | "$PC_INDEX" "$oid" |
		awk -v p="$2" -v a="$3" -v n="$4" '$1 == p && $2 == a && $3 == n { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }'
}

# listener_oid COLUMN PROTO IPV4-ADDRESS PORT: the numeric OID of one
# pcListenerTable value, for an snmpget that does not walk the table.
listener_oid() {
	local proto=6
	[ "$2" = udp ] && proto=17
	echo "$ROOT_OID.1.3.1.$1.$proto.1.4.${3//./.}.$4"
}

# The naming processes under the agent: the monitor (portcomply-priv, its
# child) and the naming helper (portcomply-name, the monitor's child).
monitor_pid() { pgrep -P "$AGENT_PID" -x portcomply-priv; }
naming_helper_pid() {
	local monitor
	monitor=$(monitor_pid) || return 1
	pgrep -P "$monitor" -x portcomply-name
}

# naming_settled: no listener's processes are still being named
# (pcListenerNaming neither pending nor partial): for a scenario that walks
# the MIB and wants no name to arrive in between.
naming_settled() {
	local values
	values=$(snmpwalk -v2c -c public -t 2 -r 1 -On -Oqe "$SNMP_TARGET" "$ROOT_OID.1.3.1.20") || return 1
	! awk '{ print $2 }' <<<"$values" | grep -qx -e 2 -e 3
}

# listed PROTO ADDRESS PORT: the MIB lists this listener (exact fields:
# IPv6 addresses in brackets are not patterns).
listed() {
	listener_table | awk -v p="$1" -v a="$2" -v n="$3" '$1 == p && $2 == a && $3 == n { found = 1 }
		END { exit !found }'
}

# ss_listeners: `ss -Hltun` folded the same way: "proto address port count",
# without the UDP sockets on ports the kernel hands clients by itself
# (inside net.ipv4.ip_local_port_range, not in ip_local_reserved_ports),
# which the agent does not count as listeners: for scenarios whose roles
# expect no UDP port inside that range.
ss_listeners() {
	ss -Hltun | awk -v range="$(cat /proc/sys/net/ipv4/ip_local_port_range)" \
		-v reserved="$(cat /proc/sys/net/ipv4/ip_local_reserved_ports)" '
		BEGIN { split(range, r); n = split(reserved, list, ",")
			for (k = 1; k <= n; k++) { m = split(list[k], b, "-"); lo[k] = b[1]; hi[k] = b[m] } }
		function client(port,   k) {
			if (port < r[1] + 0 || port > r[2] + 0) return 0
			for (k = 1; k <= n; k++) if (port >= lo[k] + 0 && port <= hi[k] + 0) return 0
			return 1 }
		{ local = $5; i = match(local, /:[0-9]+$/); port = substr(local, i + 1)
		  if ($1 == "udp" && client(port)) next
		  print $1, substr(local, 1, i - 1), port }' |
		sort | uniq -c | awk '{ print $2, $3, $4, $1 }' | sort
}

# ---- listeners (tests/helpers/listen) ----

# start_listeners NAME SPEC...: a listen process controlled through a fifo.
# With LISTEN_AS=UID set, the process runs as that user (and group) instead
# of root: its sockets belong to another user.
start_listeners() {
	local name=$1 fifo=$PC_TMP/listen-$1.in as=()
	shift
	mkfifo "$fifo"
	[ -n "${LISTEN_AS:-}" ] && as=(setpriv --reuid="$LISTEN_AS" --regid="$LISTEN_AS" --clear-groups)
	# The child opens the fifo itself (redirections on a function call would
	# block this shell until a writer appears).
	"${as[@]}" "$PC_LISTEN" "$@" <"$fifo" >"$PC_TMP/listen-$name.out" 2>"$PC_TMP/listen-$name.log" &
	STARTED_PIDS+=("$!")
	printf -v "LISTEN_PID_$name" '%s' "$!"
	# Hold the fifo open for writing so the helper never sees EOF early.
	eval "exec {LISTEN_FD_$name}>\"\$fifo\""
	wait_for 10 "listeners $name to be ready" grep -qx ready "$PC_TMP/listen-$name.out"
}

# The service "svc" of tests/fixtures/engine/site.conf: required tcp 7001,
# optional tcp 7002, a UDP heartbeat in 7100-7199. SVC_CATALOG is its
# line for write_agent_conf (with 'role "svc" {}'); start_svc_listeners
# NAME opens its ports, 7001 alone in the process NAME (spec 0), so that a
# test can close it or kill that process.
SVC_CATALOG="site-catalog = \"$PC_ROOT/tests/fixtures/engine/site.conf\""
start_svc_listeners() {
	start_listeners keep tcp/0.0.0.0/7002 udp/0.0.0.0/7150
	start_listeners "$1" tcp/0.0.0.0/7001
}

# write_required_catalog FILE ROLE COUNT: a site catalog whose role ROLE
# requires COUNT TCP ports, 7201 onwards (rules p01, p02, ...); the specs
# start_listeners takes to open them all are left in REQUIRED_SPECS.
write_required_catalog() {
	local file=$1 role=$2 count=$3 i
	REQUIRED_SPECS=()
	{
		echo "role \"$role\" {"
		echo "	title = \"$count required listeners\"  table = 0"
		for i in $(seq 1 "$count"); do
			printf '	rule "p%02d" { description = "Port %d" protocol = "tcp" port = %d\n' "$i" "$i" $((7200 + i))
			echo '		direction = "listen" configurable = false required = true source = "SITE" confidence = "SITE" }'
			REQUIRED_SPECS+=("tcp/0.0.0.0/$((7200 + i))")
		done
		echo '}'
	} >"$file"
}

# listener_port NAME INDEX: the port the spec number INDEX got.
listener_port() {
	awk -v i="$2" '$1 == "bound" && $2 == i { print $5 }' "$PC_TMP/listen-$1.out"
}

# answers_more NAME WORD INDEX COUNT: the helper has answered "WORD INDEX"
# more than COUNT times.
answers_more() {
	[ "$(grep -cx "$2 $3" "$PC_TMP/listen-$1.out")" -gt "$4" ]
}

# listener_do NAME close|open INDEX: and wait for the helper's answer.
listener_do() {
	local fd_var="LISTEN_FD_$1" done_word before
	case $2 in close) done_word=closed ;; open) done_word=opened ;; *) fail "listener_do: $2" ;; esac
	before=$(grep -cx "$done_word $3" "$PC_TMP/listen-$1.out" || true)
	echo "$2 $3" >&"${!fd_var}"
	wait_for 5 "listener $1 to $2 spec $3" answers_more "$1" "$done_word" "$3" "$before"
}
