# SPDX-License-Identifier: ISC
# A fleet in one machine: FLEET_HOSTS simulated hosts, each its own network
# namespace with its own snmpd (AgentX master), portcomplyd and listeners;
# one snmp_exporter and one Prometheus with the shipped module
# (contrib/prometheus/snmp.yml), rules and scrape configuration scraping
# all of them. A required listener dies on one host: the right alert fires
# for that host alone within two scrape intervals of the agent's
# confirmation; it comes back: the alert resolves.
#
# Run by `make fleet` through tests/integration/run.sh, so this shell is
# already in a private network namespace (loopback only): it is the hub.
# It holds a bridge, 198.18.0.1/24 (RFC 2544's benchmarking range), and a
# veth pair per host; each host is an `unshare --net` namespace held by a
# process of this test (so it disappears with that process), 198.18.0.N on
# its end. No namespace has a default route: nothing can leave them.
#
# The scrape cost per host is written to $FLEET_BENCH (bench/README.md).
. "$PC_ROOT/tests/integration/lib.sh"

HOSTS=${FLEET_HOSTS:-20}
SCRAPE=2 # seconds; rules are evaluated every 500 ms
PROM=http://127.0.0.1:9090
PROMQ="$PC_ROOT/tests/fleet/promq.pl $PROM"
NET=198.18.0
VICTIM=7 # the host that loses a listener: an icm-router
CONTRIB=$PC_ROOT/contrib/prometheus

host_ip() { echo "$NET.$((10 + $1))"; }

# The roles host N plays: a mix of the catalog's instance-numbered roles.
host_role() {
	local n=$1 side=a instance=$(($1 % 4))
	[ $((n % 2)) = 0 ] && side=b
	case $((n % 3)) in
	1) echo "role \"icm-router\" { instance = $instance  side = \"$side\" }" ;;
	2) echo "role \"icm-logger\" { instance = $instance  side = \"$side\" }" ;;
	0) echo "role \"icm-pg\" { instance = $instance  side = \"$side\"  slot = 1 }" ;;
	esac
}

# in_host N CMD...: CMD inside host N's network namespace.
in_host() {
	local pid_var="HOLD_$1"
	nsenter -t "${!pid_var}" -n -- "${@:2}"
}

# bg_in_host VAR N CMD...: start_bg of CMD inside host N (nsenter execs
# CMD, so the pid is CMD's own).
bg_in_host() {
	local pid_var="HOLD_$2"
	start_bg "$1" nsenter -t "${!pid_var}" -n -- "${@:3}"
}

own_netns() { # own_netns PID: PID is in a network namespace other than ours
	[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

setup_hub() {
	ip link add fleetbr type bridge
	ip addr add "$NET.1/24" dev fleetbr
	ip link set fleetbr up
}

# start_host N: namespace, link, snmpd, portcomplyd and listeners of host N.
start_host() {
	local n=$1 dir=$PC_TMP/h$1 ip
	ip=$(host_ip "$n")
	mkdir -p "$dir"
	start_bg "HOLD_$n" unshare --net -- sleep 100000
	local pid_var="HOLD_$n"
	wait_for 5 "host $n's namespace" own_netns "${!pid_var}"
	ip link add "fh$n" type veth peer name eth0 netns "${!pid_var}"
	ip link set "fh$n" master fleetbr up
	in_host "$n" ip link set lo up
	in_host "$n" ip addr add "$ip/24" dev eth0
	in_host "$n" ip link set eth0 up

	cat >"$dir/snmpd.conf" <<EOF
agentaddress udp:$ip:161
master agentx
agentXSocket $dir/agentx.sock
agentXPerms 0660 0755 root $(id -gn "$PC_AGENT_USER")
rocommunity public $NET.0/24
dontLogTCPWrappersConnects yes
EOF
	SNMP_PERSISTENT_DIR=$dir/persist bg_in_host "SNMPD_$n" "$n" \
		snmpd -f -C -I -smux -c "$dir/snmpd.conf" -Lf "$dir/snmpd.log" -p "$dir/snmpd.pid"

	cat >"$dir/portcomply.conf" <<EOF
catalog = "$PC_ROOT/conf/catalog"
poll-interval = 1
hold-down = 1
agentx-retry = 1
state-directory = "$dir/state"
$(host_role "$n")
ignore { protocol = "udp"  port = 161 }
EOF
	# Every numbered listen port of the plan, on the wildcard; on the
	# victim, rtfeed in a process of its own so that it can die alone.
	local specs=() victim_spec=() proto port
	while read -r proto port; do
		if [ "$n" = "$VICTIM" ] && [ "$proto $port" = "$VICTIM_PORT" ]; then
			victim_spec=("$proto/0.0.0.0/$port")
		else
			specs+=("$proto/0.0.0.0/$port")
		fi
	done < <(expected_listen_ports "$dir/portcomply.conf")
	start_host_listeners "$n" keep "${specs[@]}"
	if [ ${#victim_spec[@]} -gt 0 ]; then
		start_host_listeners "$n" victim "${victim_spec[@]}"
		VICTIM_LISTEN_PID=$LAST_LISTEN_PID
	fi
}

# start_host_listeners N NAME SPEC...: the listen helper in host N, driven
# through a fifo like lib.sh's start_listeners.
start_host_listeners() {
	local n=$1 name=h$1-$2 fifo
	shift 2
	local pid_var="HOLD_$n"
	fifo=$PC_TMP/listen-$name.in
	mkfifo "$fifo"
	nsenter -t "${!pid_var}" -n -- "$PC_LISTEN" "$@" <"$fifo" >"$PC_TMP/listen-$name.out" 2>"$PC_TMP/listen-$name.log" &
	STARTED_PIDS+=("$!")
	LAST_LISTEN_PID=$!
	eval "exec {LISTEN_FD_${name//-/_}}>\"\$fifo\""
	wait_for 10 "listeners $name to be ready" grep -qx ready "$PC_TMP/listen-$name.out"
}

start_agent_on() {
	local n=$1 dir=$PC_TMP/h$1
	wait_for 20 "host $n's snmpd" test -S "$dir/agentx.sock"
	bg_in_host "AGENT_$n" "$n" "$PC_DAEMON" -f -u "$PC_AGENT_USER" -x "$dir/agentx.sock" -c "$dir/portcomply.conf" -Lf "$dir/portcomplyd.log"
}

snmp_on() { # snmp_on N snmpget|snmpwalk ARGS...: from the hub to host N's snmpd
	"$2" -v2c -c public -t 1 -r 2 "$(host_ip "$1")" "${@:3}"
}

host_serving() {
	local c
	c=$(snmp_on "$1" snmpget -Oqv PORT-COMPLIANCE-MIB::pcHostCompliance.0 2>/dev/null) && [ "$c" = compliant ]
}

# ---- the fleet ----

log "fleet of $HOSTS hosts on $NET.0/24"
# The victim's rtfeed port, as its plan gives it.
VICTIM_PORT=$(host_role "$VICTIM" >"$PC_TMP/victim-role.conf"
	{ echo "catalog = \"$PC_ROOT/conf/catalog\""; cat "$PC_TMP/victim-role.conf"; } >"$PC_TMP/victim.conf"
	"$PC_DAEMON" --expected -c "$PC_TMP/victim.conf" | awk '$5 == "rtfeed" { print $6, $7 }')
[[ $VICTIM_PORT =~ ^tcp\ [0-9]+$ ]] || fail "no rtfeed port in host $VICTIM's plan: '$VICTIM_PORT'"
log "victim: host $VICTIM ($(host_ip "$VICTIM")), rtfeed $VICTIM_PORT"

setup_hub
start=$(now_ms)
for n in $(seq "$HOSTS"); do start_host "$n"; done
for n in $(seq "$HOSTS"); do start_agent_on "$n"; done
for n in $(seq "$HOSTS"); do
	wait_for 60 "host $n to serve a compliant verdict" host_serving "$n"
done
log "$HOSTS hosts compliant in $(($(now_ms) - start)) ms"

# ---- snmp_exporter and Prometheus, as shipped ----

start_bg EXPORTER_PID prometheus-snmp-exporter --config.file="$CONTRIB/snmp.yml" \
	--web.listen-address=127.0.0.1:9116 --log.level=warn
# The shipped scrape configuration, with the test's interval, paths and
# targets.
targets=$(for n in $(seq "$HOSTS"); do printf '"%s",' "$(host_ip "$n")"; done)
echo "- targets: [${targets%,}]" >"$PC_TMP/targets.yml"
sed -e "s|scrape_interval: 30s|scrape_interval: ${SCRAPE}s|" \
	-e "s|evaluation_interval: 15s|evaluation_interval: 500ms|" \
	-e "s|scrape_timeout: 10s|scrape_timeout: $((SCRAPE * 1000 - 500))ms|" \
	-e "s|/etc/prometheus/portcomply-rules.yml|$CONTRIB/portcomply-rules.yml|" \
	-e "s|/etc/prometheus/portcomply-targets.yml|$PC_TMP/targets.yml|" \
	"$CONTRIB/prometheus.yml" >"$PC_TMP/prometheus.yml"
grep -q "scrape_interval: ${SCRAPE}s" "$PC_TMP/prometheus.yml" || fail "the shipped prometheus.yml no longer has the lines this test adapts"
promtool check config "$PC_TMP/prometheus.yml" >/dev/null || fail "promtool rejects the adapted configuration"
start_bg PROM_PID prometheus --config.file="$PC_TMP/prometheus.yml" \
	--storage.tsdb.path="$PC_TMP/prometheus-data" --web.listen-address=127.0.0.1:9090 \
	--log.level=warn
wait_for 30 "Prometheus to answer" $PROMQ query up

count_is() { # count_is N EXPR: EXPR returns a single value N
	[ "$($PROMQ query "$2" | awk '{ print $1 }')" = "$1" ]
}
wait_for 60 "every host scraped and compliant" count_is "$HOSTS" \
	'count(pcHostCompliance{job="portcomply",pcHostCompliance="compliant"} == 1)'
alerts=$($PROMQ alerts)
[ -z "$alerts" ] || fail "alerts before anything broke: $alerts"
log "Prometheus sees $HOSTS compliant hosts, no alert"

# ---- a required listener dies on one host ----

victim_ip=$(host_ip "$VICTIM")
row=$(snmp_on "$VICTIM" snmpwalk -OqUs PORT-COMPLIANCE-MIB::pcExpectRule | awk '$2 == "rtfeed" { sub(/^pcExpectRule\./, "", $1); print $1 }')
[ -n "$row" ] || fail "no rtfeed row in host $VICTIM's pcExpectTable"

# confirmed_missing: the agent's verdict is missing; CONFIRMED_AT is the
# time of the poll that made it (pcLastPollTime, same PDU).
confirmed_missing() {
	local out status when
	out=$(snmp_on "$VICTIM" snmpget -OqvU "PORT-COMPLIANCE-MIB::pcExpectStatus.$row" PORT-COMPLIANCE-MIB::pcLastPollTime.0) || return 1
	status=$(sed -n 1p <<<"$out")
	when=$(sed -n 2p <<<"$out")
	[ "$status" = missing ] || return 1
	# 2026-11-30,8:10:11.3,+0:0 (UTC)
	CONFIRMED_AT=$(date -u -d "$(sed -E 's/^([0-9-]+),([0-9:.]+),.*/\1 \2/' <<<"$when")" +%s.%N)
}

# Both alerts come from the same scrape, but the group's rules are
# evaluated one after the other: wait for the pair.
fired_for_victim() {
	FIRING=$($PROMQ alerts | grep '^firing ' || true)
	grep -q "^firing PortcomplyRequiredListenerMissing .* instance=$victim_ip " <<<"$FIRING" &&
		grep -q "^firing PortcomplyHostNonCompliant .* instance=$victim_ip " <<<"$FIRING"
}

log "killing host $VICTIM's rtfeed listener"
killed_at=$(now_ms)
stop_pid "$VICTIM_LISTEN_PID"
wait_for 30 "host $VICTIM's agent to confirm rtfeed missing" confirmed_missing
wait_for 60 "PortcomplyRequiredListenerMissing and PortcomplyHostNonCompliant for host $VICTIM" fired_for_victim
log "the agent confirmed it at its poll of $(date -u -d "@$CONFIRMED_AT" +%T.%1N) (killed at $(date -u -d "@$((killed_at / 1000)).$((killed_at % 1000))" +%T.%3N))"

# The right alert, for that host alone.
line=$(grep '^firing PortcomplyRequiredListenerMissing ' <<<"$FIRING")
[ "$(wc -l <<<"$line")" = 1 ] || fail "more than one missing-listener alert: $line"
for want in "instance=$victim_ip" pcRoleName=icm-router "pcRoleInstance=$((VICTIM % 4))" \
	pcRoleSideName=a pcExpectRule=rtfeed pcExpectProtocolName=tcp "pcExpectPort=${VICTIM_PORT#tcp }" \
	pcExpectRequirement=required severity=critical; do
	[[ " $line " == *" $want "* ]] || fail "the alert lacks $want: $line"
done
others=$(awk -v ip="$victim_ip" '{ ok = 0; for (i = 4; i <= NF; i++) if ($i == "instance=" ip) ok = 1; if (!ok) print }' <<<"$FIRING")
[ -z "$others" ] || fail "alerts for other hosts: $others"
grep -q "^firing PortcomplyHostNonCompliant .* instance=$victim_ip " <<<"$FIRING" ||
	fail "no PortcomplyHostNonCompliant for host $VICTIM: $FIRING"

# Within two scrape intervals of the agent's confirmation (Prometheus's
# activeAt is the evaluation that first saw it).
active_at=$(awk '{ print $3 }' <<<"$line")
delay_ms=$(awk -v a="$active_at" -v c="$CONFIRMED_AT" 'BEGIN { printf "%d", (a - c) * 1000 }')
log "alert active ${delay_ms} ms after the agent's confirming poll (limit $((2 * SCRAPE * 1000)) ms)"
[ "$delay_ms" -le $((2 * SCRAPE * 1000)) ] || fail "alert ${delay_ms} ms after the confirmation, more than two scrape intervals"

# The dashboard's queries against this Prometheus: every one parses, and
# its missing-ports table shows exactly the victim's rtfeed.
dashboard=$PC_ROOT/contrib/grafana/portcomply-fleet.json
while IFS= read -r expr; do
	expr=${expr//\$instance/.*}
	# Grafana's label_values(METRIC, LABEL) asks for METRIC's series.
	if [[ $expr =~ ^label_values\((.*),\ *([a-z_]+)\)$ ]]; then
		expr="count by (${BASH_REMATCH[2]}) (${BASH_REMATCH[1]})"
	fi
	$PROMQ query "$expr" >/dev/null || fail "Prometheus rejects the dashboard query: $expr"
done < <(perl "$PC_ROOT/tests/contrib/dashboard-metrics.pl" --exprs "$dashboard")
missing_expr=$(perl "$PC_ROOT/tests/contrib/dashboard-metrics.pl" --exprs "$dashboard" | grep -m1 'pcExpectedPortStatus.* == 2 or')
missing_rows=$($PROMQ query "${missing_expr//\$instance/.*}")
[ "$(wc -l <<<"$missing_rows")" = 1 ] && [[ $missing_rows == 2\ *"instance=$victim_ip "*"pcExpectRule=rtfeed "* ]] ||
	fail "the dashboard's missing ports: $missing_rows"

# ---- it comes back ----

log "restarting host $VICTIM's rtfeed listener"
start_host_listeners "$VICTIM" back "tcp/0.0.0.0/${VICTIM_PORT#tcp }"
no_alert_left() {
	[ -z "$($PROMQ alerts)" ]
}
wait_for 60 "every alert to resolve" no_alert_left
wait_for 30 "host $VICTIM compliant again in Prometheus" count_is "$HOSTS" \
	'count(pcHostCompliance{job="portcomply",pcHostCompliance="compliant"} == 1)'
log "alerts resolved"

# ---- scrape cost per host ----

if [ -n "${FLEET_BENCH:-}" ]; then
	{
		echo "# snmp_exporter scrape of one portcomply host ($HOSTS hosts, scrape every ${SCRAPE}s), $(date -u +%FT%TZ)"
		$PROMQ query 'count(snmp_scrape_duration_seconds{job="portcomply"})' | awk '{ print "hosts: " $1 }'
		$PROMQ query 'avg(avg_over_time(snmp_scrape_duration_seconds{job="portcomply"}[5m]))' | awk '{ printf "mean scrape duration: %.1f ms\n", $1 * 1000 }'
		$PROMQ query 'quantile(0.5, snmp_scrape_duration_seconds{job="portcomply"})' | awk '{ printf "median of last scrapes: %.1f ms\n", $1 * 1000 }'
		$PROMQ query 'max(max_over_time(snmp_scrape_duration_seconds{job="portcomply"}[5m]))' | awk '{ printf "max scrape duration: %.1f ms\n", $1 * 1000 }'
		$PROMQ query 'avg(snmp_scrape_pdus_returned{job="portcomply"})' | awk '{ printf "varbinds per scrape: %d\n", $1 }'
		$PROMQ query 'avg(snmp_scrape_packets_sent{job="portcomply"})' | awk '{ printf "requests per scrape: %d\n", $1 }'
		$PROMQ query 'avg(scrape_samples_scraped{job="portcomply"})' | awk '{ printf "samples per host: %d\n", $1 }'
	} >"$FLEET_BENCH"
	cat "$FLEET_BENCH"
fi
log "fleet test passed"
