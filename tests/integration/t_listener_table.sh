# SPDX-License-Identifier: ISC
# pcListenerTable lists exactly what `ss -Hltun` lists (TCP and UDP, IPv4
# and IPv6, wildcards, a reuseport group folded into one row), save the
# UDP sockets of clients (ports the kernel hands out by itself; see
# t_udp_clients), and a listener that closes is gone after the next poll. Each row says who owns
# its socket (pcListenerUid, pcListenerUser), root's and another user's.
. "$(dirname "$0")/lib.sh"

start_snmpd
# UDP services choose their ports (below the ephemeral range): a port the
# kernel picks for a UDP socket is a client's.
start_listeners main \
	tcp/127.0.0.1/0 tcp/::1/0 udp/127.0.0.1/20001 udp/::1/20002 \
	tcp/0.0.0.0/0 tcp/::/0 tcp/::/0/v6only udp/::/20003 udp/::/20004/v6only \
	tcp/::ffff:127.0.0.1/0 tcp/127.0.0.1/0/reuseport=3
LISTEN_AS=65534 start_listeners other tcp/127.0.0.1/0 udp/::/20005/v6only
start_agent
wait_agent_serving
wait_next_poll

log "the MIB against ss -Hltun"
# snmpd's own sockets are listeners too: both views include them; neither
# includes a client's UDP socket (snmpd's for its trap sink, this test's
# own snmpwalk). Compare until both views are of the same moment (a
# handful of tries: a listener may have come or gone between them).
# (A comparison that agreed is the one that counts: walking again after it
# could meet another poll.)
same_as_ss() { diff <(ss_listeners) <(listener_table); }
until_same() {
	local _
	for _ in $(seq 50); do same_as_ss >/dev/null && return 0; sleep 0.2; done
	same_as_ss
}
until_same || fail "pcListenerTable differs from ss -Hltun"
grep -q "^tcp 127.0.0.1 $(listener_port main 10) 3$" <(listener_table) ||
	fail "the reuseport group is not one row with 3 sockets"
grep -q "^tcp \* $(listener_port main 5) 1$" <(listener_table) ||
	fail "the dual-stack wildcard is not listed as type unknown"

count_agrees() {
	count=$(snmp_get_value "$OID_LISTENER_COUNT")
	rows=$(listener_table | wc -l)
	[ "$count" = "$rows" ]
}
for _ in $(seq 50); do count_agrees && break; sleep 0.2; done
[ "$count" = "$rows" ] || fail "pcListenerCount $count disagrees with the table ($rows rows)"

log "the owner of each socket: root's, and user 65534's"
other_user=$(getent passwd 65534 | cut -d: -f1)
# column_is COLUMN PROTO ADDRESS PORT VALUE
column_is() {
	local got
	got=$(listener_column "$1" "$2" "$3" "$4")
	[ "$got" = "$5" ] || fail "pcListenerTable column $1 of $2 $3:$4 is '$got', not '$5'"
}
column_is 11 tcp 127.0.0.1 "$(listener_port main 0)" 0
column_is 12 tcp 127.0.0.1 "$(listener_port main 0)" root
column_is 11 tcp 127.0.0.1 "$(listener_port other 0)" 65534
column_is 12 tcp 127.0.0.1 "$(listener_port other 0)" "$other_user"
column_is 11 udp '[::]' "$(listener_port other 1)" 65534
# Every row has both columns (compared, as above, until no walk of ours was
# open at a poll).
uid_rows() { snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$ROOT_OID.1.3.1.11" | wc -l; }
for _ in $(seq 50); do
	uids=$(uid_rows)
	rows=$(listener_table | wc -l)
	[ "$uids" = "$rows" ] && break
	sleep 0.2
done
[ "$uids" = "$rows" ] || fail "pcListenerUid has $uids rows, the table $rows"

log "a closed listener is gone after the next poll"
gone_port=$(listener_port main 0)
listener_do main close 0
wait_next_poll
if listed tcp 127.0.0.1 "$gone_port"; then
	fail "closed listener 127.0.0.1:$gone_port still in pcListenerTable"
fi
until_same || fail "pcListenerTable differs from ss after the close"
log "ok"
