# SPDX-License-Identifier: ISC
# What a Zabbix poll of a portcomply host costs, against a poll of the same
# snmpd's IF-MIB by Zabbix's own "Interfaces by SNMP" template, in one run:
# SNMP requests, AgentX round trips and varbinds per poll, counted in snmpd's
# packet dump (tests/zabbix/roundtrips.awk), and the time one such request
# takes (the poll's varbinds in one GET, as Zabbix sends it, timed with
# net-snmp's Perl module). Run by bench/run.sh zabbix inside a network
# namespace of its own (tests/integration/run.sh), with a real Zabbix 6.0
# (tests/zabbix/lib.sh).
#
# Hosts: "portcomply" (contrib/zabbix template; portcomplyd as icm-router
# and cti-server, instance 1 side a: 20 expected ports) and "if-mib" (the
# stock template; ZBX_BENCH_IFACES veth interfaces plus lo). A poll is
# every SNMP item of one host at once, as Zabbix's "Execute now" and its
# scheduler send them (items of one interface due together share a
# request); each host is polled until Zabbix has learnt how many variables
# a request may carry, then ZBX_BENCH_POLLS times.
. "$PC_ROOT/tests/integration/lib.sh"
. "$PC_ROOT/tests/zabbix/lib.sh"
zbx_require

IFACES=${ZBX_BENCH_IFACES:-10}
POLLS=${ZBX_BENCH_POLLS:-10}
GETS=${ZBX_BENCH_GETS:-300}
OUT=${ZBX_BENCH_OUT:-$PC_TMP/zabbix-poll.txt}
ROUNDTRIPS=$PC_ROOT/tests/zabbix/roundtrips.awk

# veth pairs (this kernel may lack the dummy driver), IFACES interfaces.
for i in $(seq $((IFACES / 2))); do
	ip link add "bench${i}a" type veth peer name "bench${i}b"
	ip link set "bench${i}a" up
	ip link set "bench${i}b" up
done
sysctl -qw net.ipv4.ip_local_port_range="50000 60999"
# Two ports on one snmpd, one per host, so that snmpd's dump tells their
# requests apart.
write_snmpd_conf
sed -i 's/^agentaddress .*/agentaddress udp:127.0.0.1:1161,udp:127.0.0.1:1171/' "$PC_TMP/snmpd/snmpd.conf"
SNMP_PERSISTENT_DIR=$PC_TMP/snmpd/persist start_bg SNMPD_PID \
	snmpd -f -C -d -c "$PC_TMP/snmpd/snmpd.conf" -Lf "$PC_TMP/snmpd.log" -p "$PC_TMP/snmpd/snmpd.pid"
wait_for 10 "snmpd to answer" snmpget -v2c -c public -t 0.2 -r 0 "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0
write_agent_conf 'role "icm-router" { instance = 1  side = "a" }' \
	'role "cti-server" { instance = 1  side = "a" }' \
	'ignore { protocol = "udp"  port = 1161 }' \
	'ignore { protocol = "udp"  port = 1171 }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  range = {50000, 60999} }' \
	'ignore { protocol = "tcp"  port = 10051 }' \
	'ignore { protocol = "tcp"  port = 18080 }'
specs=()
while read -r proto port; do specs+=("$proto/0.0.0.0/$port"); done < <(expected_listen_ports "$PC_TMP/portcomply.conf")
start_listeners icm "${specs[@]}"
start_agent
wait_agent_serving
log "Zabbix"
zbx_start_db
zbx_start_server
zbx_start_frontend
zbx_import "$ZBX_TEMPLATE"
# Scheduled polls an hour apart: only the bench's own "Execute now" polls.
declare -A host
host[portcomply]=$(zbx_create_host portcomply "$(zbx_template_id 'Portcomply by SNMP')" \
	'[{"macro": "{$PORTCOMPLY.INTERVAL}", "value": "1h"}]')
host[if-mib]=$(zbx_create_host if-mib "$(zbx_template_id 'Interfaces by SNMP')" '[]' 1171)
declare -A snmp_port=([portcomply]=1161 [if-mib]=1171)

snmp_items() { zbx_items "${host[$1]}" | jq -r '.[] | select(.type == "20") | .itemid'; }
lld_of() {
	zbx_api discoveryrule.get "$(jq -cn --arg h "${host[$1]}" '{hostids: [$h], output: ["itemid"]}')" | jq -r '.[].itemid'
}
# polled_since NAME SECONDS: every supported SNMP item of NAME has a value
# from SECONDS on, but those whose preprocessing may store none (a change,
# which needs two polls; unchanged values discarded).
not_polled_since() {
	zbx_api item.get "$(jq -cn --arg h "${host[$1]}" '{hostids: [$h], output: ["key_", "type", "state", "lastclock"],
		selectPreprocessing: ["type"]}')" | jq -r --argjson t "$2" \
		'.[] | select(.type == "20" and .state == "0" and (.lastclock | tonumber) < $t
			and ([.preprocessing[].type] | all(. != "9" and . != "10" and . != "19" and . != "20"))) | "\(.key_) \(.lastclock)"'
}
polled_since() { [ -z "$(not_polled_since "$@")" ]; }
# poll NAME: one poll of every SNMP item of NAME; sets POLL to "requests
# agentx", summed over the requests that came to NAME's port meanwhile.
poll() {
	local mark t0
	mark=$(wc -l <"$PC_TMP/snmpd.log")
	t0=$(date +%s)
	# lastclock has a resolution of one second: start in a fresh second.
	while [ "$(date +%s)" = "$t0" ]; do sleep 0.05; done
	t0=$(date +%s)
	mapfile -t ids < <(snmp_items "$1")
	zbx_check_now "${ids[@]}"
	if ! poll_until 60 polled_since "$1" "$t0"; then
		not_polled_since "$1" "$t0" | head >&2
		fail "no poll of every item of $1 since $t0"
	fi
	POLL=$(tail -n +"$mark" "$PC_TMP/snmpd.log" | awk -f "$ROUNDTRIPS" |
		awk -v to="${snmp_port[$1]}" '$2 == to { n++; ax += $4 } END { print n + 0, ax + 0 }')
}

log "discovery on both hosts (each rule once, its cost counted)"
# "Execute now" on a host's discovery, again every 10 s until the items are
# there (the server drops the task while its cache lacks the new host).
last_ask=0
discovered() {
	[ "$(zbx_items "${host[$1]}" | jq '[.[] | select(.flags == "4")] | length')" -gt 0 ] && return 0
	if [ $(($(date +%s) - last_ask)) -ge 10 ]; then
		zbx_check_now $(lld_of "$1")
		last_ask=$(date +%s)
	fi
	return 1
}
declare -A lld_cost
for name in portcomply if-mib; do
	mark=$(wc -l <"$PC_TMP/snmpd.log")
	last_ask=0
	wait_for 90 "discovery on $name" discovered "$name"
	lld_cost[$name]=$(tail -n +"$mark" "$PC_TMP/snmpd.log" | awk -f "$ROUNDTRIPS" |
		awk -v to="${snmp_port[$name]}" '$2 == to { n++; ax += $4 } END { print n + 0, ax + 0 }')
done

declare -A items per_poll
for name in portcomply if-mib; do
	items[$name]=$(snmp_items "$name" | wc -l)
	log "$name: ${items[$name]} SNMP items; polling until one request carries them all"
	for i in $(seq 30); do
		poll "$name"
		[ "${POLL% *}" = 1 ] && break
	done
	: >"$PC_TMP/polls-$name"
	for i in $(seq "$POLLS"); do
		poll "$name"
		echo "$POLL" >>"$PC_TMP/polls-$name"
	done
	per_poll[$name]=$(awk '{ r += $1; a += $2 } END { printf "%.1f %.1f", r / NR, a / NR }' "$PC_TMP/polls-$name")
done

log "the time of one poll's GET, both hosts' alternately, $GETS each"
oids_of() { zbx_items "${host[$1]}" | jq -r '.[] | select(.type == "20" and (.key_ | test("discovery") | not)) | .snmp_oid'; }
oids_of portcomply >"$PC_TMP/oids-portcomply"
oids_of if-mib >"$PC_TMP/oids-if-mib"
times=$(perl -MSNMP -MTime::HiRes=time -e '
	my ($n, @files) = @ARGV;
	my (@lists, @t);
	my $s = SNMP::Session->new(DestHost => "udp:127.0.0.1:1161", Version => "2c", Community => "public",
		UseNumeric => 1, Timeout => 2000000, Retries => 0) or die "no session\n";
	for my $f (@files) {
		open(my $fh, "<", $f) or die "$f: $!\n";
		chomp(my @oids = <$fh>);
		push @lists, [map { ["." . $_] } @oids];
	}
	for my $round (1 .. $n) {
		for my $i (0 .. $#lists) {
			my $vl = SNMP::VarList->new(@{$lists[$i]});
			my $t0 = time;
			$s->get($vl);
			die "GET failed: $s->{ErrorStr}\n" if $s->{ErrorNum};
			push @{$t[$i]}, time - $t0;
		}
	}
	for my $i (0 .. $#lists) {
		my @s = sort { $a <=> $b } @{$t[$i]};
		printf "%.3f %.3f\n", 1000 * $s[int(@s / 2)], 1000 * $s[int(@s * 0.9)];
	}' "$GETS" "$PC_TMP/oids-portcomply" "$PC_TMP/oids-if-mib") || fail "timing the GETs"
read -r pc_median pc_p90 < <(sed -n 1p <<<"$times")
read -r if_median if_p90 < <(sed -n 2p <<<"$times")

{
	echo "Zabbix $(zbx_api apiinfo.version '{}' | tr -d '"'), snmpd $(snmpd -v | awk '/version/ { print $NF; exit }'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-42s %14s %14s\n' "" "portcomply" "if-mib"
	printf '%-42s %14s %14s\n' "SNMP items polled" "${items[portcomply]}" "${items[if-mib]}"
	printf '%-42s %14s %14s\n' "SNMP requests per poll (mean of $POLLS)" "${per_poll[portcomply]% *}" "${per_poll[if-mib]% *}"
	printf '%-42s %14s %14s\n' "AgentX round trips per poll" "${per_poll[portcomply]#* }" "${per_poll[if-mib]#* }"
	printf '%-42s %14s %14s\n' "one poll's GET, median ms ($GETS)" "$pc_median" "$if_median"
	printf '%-42s %14s %14s\n' "one poll's GET, 90th percentile ms" "$pc_p90" "$if_p90"
	printf '%-42s %14s %14s\n' "discovery: SNMP requests, AgentX" "${lld_cost[portcomply]/ /, }" "${lld_cost[if-mib]/ /, }"
} | tee "$OUT"
