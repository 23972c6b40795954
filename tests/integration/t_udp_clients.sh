# SPDX-License-Identifier: ISC
# Which UDP sockets are listeners. A client's bound, unconnected UDP socket
# is on a port the kernel picked from its ephemeral range: ten NTP-style
# clients (bind to port 0, sendto) and five over IPv6, three snmpget runs
# waiting for an answer that never comes, and snmpd's socket for its trap
# sink are neither listed, counted nor announced, however long they live;
# pcUdpClientCount counts them. A port a role expects is a listener
# wherever it is: ICM Router's UDP heartbeats (39500-39999) and incrp-nic
# (40025, instance 0 side A) are inside Linux's default range, and are
# present. A port of the range the site reserves (ip_local_reserved_ports)
# counts too. --listeners shows listeners; --listeners --all every bound
# UDP socket, and why each is a listener or not.
. "$(dirname "$0")/lib.sh"

# While the clients live, the kernel hands them ports above the Router's
# heartbeats (39500-39999) and incrp-nic (40025): a client's socket on a
# port a role expects counts as that listener (docs/judging.md), which
# would make the count below depend on chance. The namespace's own range;
# Linux's default comes back for the Router's part.
default_range=$(cat /proc/sys/net/ipv4/ip_local_port_range)
echo "40100 60999" >/proc/sys/net/ipv4/ip_local_port_range
start_trapd
start_snmpd # with trap2sink
conf_lines=("hold-down = 1" 'role "icm-router" { instance = 0  side = "a" }'
	'ignore { protocol = "tcp"  port = 199 }' 'ignore { protocol = "udp"  range = {1161, 1162} }')
write_agent_conf "${conf_lines[@]}"
start_agent
wait_agent_serving
[ "$(mib_value pcUnexpectedCount.0)" = 0 ] || fail "pcUnexpectedCount is not 0 to begin with"

log "15 NTP-style clients and 3 snmpget runs, each living longer than 5 s"
# start_clients NAME ADDRESS COUNT: udp_client sockets sending to ADDRESS
# port 123, held until the fifo says quit.
start_clients() {
	local fifo=$PC_TMP/clients-$1.in
	mkfifo "$fifo"
	"$PC_BUILD/helpers/udp_client" "$2" 123 "$3" <"$fifo" >"$PC_TMP/clients-$1.out" &
	STARTED_PIDS+=("$!")
	printf -v "CLIENTS_PID_$1" '%s' "$!"
	eval "exec {CLIENTS_FD_$1}>\"\$fifo\""
	wait_for 10 "clients $1" grep -qx ready "$PC_TMP/clients-$1.out"
}
start_clients v4 127.0.0.1 10
start_clients v6 ::1 5
getters=()
for i in 1 2 3; do
	# Nothing answers on 1199: each waits out its 8 s timeout.
	start_bg GETTER_PID snmpget -v2c -c public -t 8 -r 0 127.0.0.1:1199 .1.3.6.1.2.1.1.3.0 \
		2>>"$PC_TMP/snmpget.log"
	getters+=("$GETTER_PID")
done
clients_open() { [ "$(ss -Hlun | awk '$4 !~ /:(1161|1162)$/' | wc -l)" -ge 19 ]; }
wait_for 10 "the clients' sockets" clients_open
# Seven polls while they live (poll-interval 1 s): longer than the 5 s an
# announcement may wait for a process name.
first=$(poll_count)
wait_for 30 "seven polls" poll_count_at_least $((first + 7))
[ "$(mib_value pcUnexpectedCount.0)" = 0 ] ||
	fail "pcUnexpectedCount is $(mib_value pcUnexpectedCount.0) with only clients' UDP sockets"
clients=$(mib_value pcUdpClientCount.0)
[ "$clients" -ge 19 ] || fail "pcUdpClientCount is $clients, not at least 19 (15 + 3 + snmpd's)"
log "pcUdpClientCount $clients"
listener_table | awk '$1 == "udp" && $3 >= 32768 { bad = 1; print } END { exit bad }' >&2 ||
	fail "a client's UDP socket is in pcListenerTable"
echo quit >&"$CLIENTS_FD_v4"
echo quit >&"$CLIENTS_FD_v6"
for pid in "$CLIENTS_PID_v4" "$CLIENTS_PID_v6" "${getters[@]}"; do
	wait "$pid" 2>/dev/null || true
done

# An unexpected listener opened now is announced after anything that
# appeared before it: then nothing else may have been.
start_listeners barrier udp/::1/20999
wait_for 20 "pcUnexpectedListener for udp/[::1]:20999" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: 20999"
[ "$(trap_count pcUnexpectedListener)" = 1 ] ||
	fail "a client's socket was announced: $(traps pcUnexpectedListener)"

log "ICM Router's UDP ports inside the ephemeral range are listeners"
echo "$default_range" >/proc/sys/net/ipv4/ip_local_port_range
start_listeners icm udp/0.0.0.0/39500 udp/0.0.0.0/40025 udp/0.0.0.0/40026
wait_for 10 "udp/39500 in pcListenerTable" listed udp 0.0.0.0 39500
listed udp 0.0.0.0 40025 || fail "udp/40025 (incrp-nic) is not in pcListenerTable"
listed udp 0.0.0.0 40026 && fail "udp/40026, which no rule names, is in pcListenerTable"
[ "$(listener_column 8 udp 0.0.0.0 39500)" = expected ] || fail "udp/39500 is not of class expected"
# rule_status RULE: pcExpectStatus of icm-router's rule of that name.
rule_status() {
	local index
	index=$(snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" PORT-COMPLIANCE-MIB::pcExpectRule |
		awk -v r="$1" '$2 == r || $2 == "\"" r "\"" { sub(/.*\.1\.5\.1\.2\./, "", $1); print $1 }')
	mib_value "pcExpectStatus.$index"
}
for rule in public-heartbeat private-heartbeat incrp-nic; do
	[ "$(rule_status "$rule")" = present ] || fail "icm-router's $rule is $(rule_status "$rule"), not present"
done

log "--listeners and --listeners --all"
"$PC_DAEMON" --listeners -c "$PC_TMP/portcomply.conf" >"$PC_TMP/listeners.txt"
grep -Eq '^udp +0\.0\.0\.0 +39500 ' "$PC_TMP/listeners.txt" || fail "--listeners lacks udp/39500"
grep -Eq '^udp +0\.0\.0\.0 +40026 ' "$PC_TMP/listeners.txt" && fail "--listeners shows udp/40026"
"$PC_DAEMON" --listeners --all -c "$PC_TMP/portcomply.conf" >"$PC_TMP/listeners-all.txt"
grep -Eq '^udp +0\.0\.0\.0 +39500 .* yes +expected-port$' "$PC_TMP/listeners-all.txt" ||
	fail "--listeners --all: udp/39500 is not an expected port: $(cat "$PC_TMP/listeners-all.txt")"
grep -Eq '^udp +0\.0\.0\.0 +40026 .* no +ephemeral-port$' "$PC_TMP/listeners-all.txt" ||
	fail "--listeners --all: udp/40026 is not a client's port"

log "a port of the range the site reserves counts"
echo 40026 >/proc/sys/net/ipv4/ip_local_reserved_ports
wait_for 20 "pcUnexpectedListener for udp/40026" trap_count_at_least 1 pcUnexpectedListener \
	"pcNotifyPort.0 = Gauge32: 40026"
listed udp 0.0.0.0 40026 || fail "the reserved udp/40026 is not in pcListenerTable"
"$PC_DAEMON" --listeners --all -c "$PC_TMP/portcomply.conf" |
	grep -Eq '^udp +0\.0\.0\.0 +40026 .* yes +reserved-port$' || fail "--listeners --all: udp/40026 not reserved"
log "ok"
