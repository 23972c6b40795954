# SPDX-License-Identifier: ISC
# Debian's stock /etc/snmp/snmpd.conf plus the drop-in serve the module to
# the stock community: the stock file is copied as it is, moved to a
# private UDP port and AgentX socket, and its includeDir pointed at a
# directory holding only our drop-in (with the test user's group for
# portcomply's). Without the drop-in the walk is refused by the view;
# with it, the module is walked as "public", the AgentX socket has the
# drop-in's permissions (root's, group portcomply's, 0660), and snmpd logs
# nothing because of the drop-in (no "Can't identify user").
. "$(dirname "$0")/lib.sh"

stock=/etc/snmp/snmpd.conf
[ -r "$stock" ] || { echo "no $stock"; exit 77; }
sum=$(dpkg-query -W -f='${Conffiles}\n' snmpd 2>/dev/null | awk -v f="$stock" '$1 == f { print $2 }')
if [ -n "$sum" ] && [ "$(md5sum <"$stock" | cut -d' ' -f1)" != "$sum" ]; then
	log "note: $stock differs from the one the snmpd package shipped"
fi
group=$(id -gn "$PC_AGENT_USER")

# stock_conf DROPIN_DIR: the stock file, on our port and socket.
stock_conf() {
	mkdir -p "$PC_TMP/snmpd"
	sed -e "s|^agentaddress .*|agentaddress udp:$SNMP_TARGET|" \
		-e "s|^includeDir .*|includeDir $1|" "$stock" >"$PC_TMP/snmpd/snmpd.conf"
	echo "agentXSocket $AGENTX_SOCKET" >>"$PC_TMP/snmpd/snmpd.conf"
	grep -q "^includeDir $1\$" "$PC_TMP/snmpd/snmpd.conf" || fail "the stock file has no includeDir"
	grep -q "^rocommunity  *public  *default  *-V systemonly" "$PC_TMP/snmpd/snmpd.conf" ||
		fail "the stock file no longer answers public with systemonly"
}

mkdir -p "$PC_TMP/empty.d" "$PC_TMP/dropin.d"
sed "s/^agentXPerms \(.*\) portcomply\$/agentXPerms \1 $group/" "$PC_ROOT/dist/snmpd-portcomply.conf" \
	>"$PC_TMP/dropin.d/portcomply.conf"
grep -q "^agentXPerms 0660 0755 -1 $group\$" "$PC_TMP/dropin.d/portcomply.conf" || fail "no agentXPerms line for the group"

log "stock configuration alone: the view hides the module"
stock_conf "$PC_TMP/empty.d"
start_snmpd
chmod 0666 "$AGENTX_SOCKET" # the stock file lets nobody in; here only the view matters
write_agent_conf
start_agent
wait_for 10 "the agent to connect" grep -q 'AgentX subagent connected' "$PC_TMP/portcomplyd.log"
out=$(snmpwalk -v2c -c public -t 2 -r 1 -On "$SNMP_TARGET" "$ROOT_OID" 2>&1 || true)
[[ $out == *"No more variables left in this MIB View"* ]] && ! grep -q "^$ROOT_OID\." <<<"$out" ||
	fail "without the drop-in: $out"
stop_pid "$AGENT_PID"
stop_snmpd
mv "$PC_TMP/snmpd.log" "$PC_TMP/snmpd-stock.log.txt"

log "stock configuration plus the drop-in"
stock_conf "$PC_TMP/dropin.d"
start_snmpd
perms=$(stat -c '%a %U %G' "$AGENTX_SOCKET")
[ "$perms" = "660 root $group" ] || fail "AgentX socket is '$perms', not '660 root $group'"
: >"$PC_TMP/portcomplyd.log"
start_agent
wait_agent_serving
walk=$(walk_module snmpwalk 2>&1) || fail "walk as public failed: $walk"
[ "$(grep -c "^$ROOT_OID\." <<<"$walk")" -gt 10 ] || fail "walk as public: $walk"
mib_is pcHostCompliance.0 compliant || fail "pcHostCompliance as public: $(mib_value pcHostCompliance.0)"
# The rest of the stock view is still there, and nothing more.
snmpget -v2c -c public -t 1 -r 1 "$SNMP_TARGET" .1.3.6.1.2.1.1.5.0 >/dev/null || fail "sysName is gone"
out=$(snmpget -v2c -c public -t 1 -r 1 "$SNMP_TARGET" .1.3.6.1.2.1.2.1.0 2>&1 || true)
[[ $out == *"No Such Object"* ]] || fail "the drop-in opened more than the module: $out"
# What snmpd said with the drop-in and not without it (its version line
# and the like are in both; the stock file logs each request): nothing.
said=$(grep -v -x -F -f "$PC_TMP/snmpd-stock.log.txt" "$PC_TMP/snmpd.log" | grep -v -e '^Created directory' -e '^Connection from ' || true)
[ -z "$said" ] || fail "snmpd logged with the drop-in: $said"
log "walked $(grep -c "^$ROOT_OID\." <<<"$walk") objects as public; socket $perms"
log "ok"
