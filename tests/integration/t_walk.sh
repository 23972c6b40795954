# SPDX-License-Identifier: ISC
# The whole module, walked on a fixed configuration with fixed listeners
# and a catalog of its own (tests/fixtures/walk/catalog), equals the
# recorded walk tests/fixtures/walk/module.walk: the same OIDs in the same
# order with the same values. Values that move by themselves (poll
# counters and times, pids, timestamps, notification counters, the UDP
# clients a poll caught, this walk's own socket among them) are masked.
# An object the recording does not have yet (a new column) is reported
# and left out; any other difference fails. PC_WALK_RECORD=1 rewrites the
# recording instead (review its diff before committing it).
. "$(dirname "$0")/lib.sh"

golden=$PC_ROOT/tests/fixtures/walk/module.walk

# No trap sink: snmpd's socket for it would be a listener on a random port.
write_snmpd_conf
sed -i '/^trap2sink/d' "$PC_TMP/snmpd/snmpd.conf"
start_snmpd
write_agent_conf "catalog = \"$PC_ROOT/tests/fixtures/walk/catalog\"" "hold-down = 1" \
	'instance "walk" { number = 2 }' \
	'role "walk-router" { instance = 2  side = "a" }' \
	'role "walk-svc" { }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  port = 1161 }'
start_listeners keep tcp/0.0.0.0/50082 udp/0.0.0.0/23050 tcp/::/54002/v6only \
	tcp/127.0.0.1/55000 udp/::1/25001 tcp/0.0.0.0/55002/reuseport=3
start_listeners api tcp/0.0.0.0/54001
start_agent
wait_agent_serving

log "the required listener closes: missing, the host nonCompliant"
listener_do api close 0
wait_for 10 "walk-svc api to be missing" mib_is pcExpectStatus.2.1.1 missing
wait_for 10 "the host to be nonCompliant" mib_is pcHostCompliance.0 nonCompliant
# Every listener named by its process (the /proc walk is paced).
named() {
	local processes
	processes=$(snmpwalk -v2c -c public -t 2 -r 1 -On -Oqv "$SNMP_TARGET" "$ROOT_OID.1.3.1.7") &&
		[ -n "$processes" ] && ! grep -qx '""\|' <<<"$processes"
}
wait_for 20 "every listener to have a process name" named
wait_for 10 "no notification waiting" mib_is pcNotificationsQueued.0 0

# OIDs relative to the root (the module may move), volatile values masked.
walk_module snmpwalk >"$PC_TMP/walk.raw" || fail "snmpwalk failed"
sed "s|^$ROOT_OID\.|ROOT.|" "$PC_TMP/walk.raw" | awk '
	function masked(v) { sub(/=.*/, "= (masked)", v); return v }
	{ sub(/[ \t]+$/, "") }
	/^ROOT\.1\.1\.([123]|20)\.0 / || /^ROOT\.1\.2\.7\.0 / || /^ROOT\.1\.8\.[6-9]\.0 / ||
	/^ROOT\.1\.3\.1\.6\./ || /^ROOT\.1\.5\.1\.1[46]\./ { print masked($0); next }
	{ print }' >"$PC_TMP/walk.txt"
[ -s "$PC_TMP/walk.txt" ] || fail "the walk is empty"

if [ "${PC_WALK_RECORD:-}" = 1 ]; then
	cp "$PC_TMP/walk.txt" "$golden"
	log "recorded $(wc -l <"$golden") objects in $golden"
	exit 0
fi

# The object of a line: ROOT.1.G.S for a scalar (ROOT.1.G.S.0), else the
# table column ROOT.1.T.1.C.
object_of() { awk '{ n = split($1, s, ".")
	if (n == 5 && s[5] == "0") print s[1] "." s[2] "." s[3] "." s[4]
	else print s[1] "." s[2] "." s[3] "." s[4] "." s[5] }'; }
object_of <"$golden" | sort -u >"$PC_TMP/objects.golden"
paste -d ' ' <(object_of <"$PC_TMP/walk.txt") "$PC_TMP/walk.txt" >"$PC_TMP/walk.keyed"
awk 'NR == FNR { known[$1] = 1; next } ($1 in known) { $1 = ""; sub(/^ /, ""); print }' \
	"$PC_TMP/objects.golden" "$PC_TMP/walk.keyed" >"$PC_TMP/walk.known"
new=$(awk 'NR == FNR { known[$1] = 1; next } !($1 in known) { print $1 }' \
	"$PC_TMP/objects.golden" "$PC_TMP/walk.keyed" | sort -u | tr '\n' ' ')
[ -z "$new" ] || log "objects the recording does not have (left out): $new"
diff "$golden" "$PC_TMP/walk.known" >&2 ||
	fail "the walk differs from $golden (diff above: < recorded, > now)"
log "ok: $(wc -l <"$PC_TMP/walk.known") objects as recorded"
