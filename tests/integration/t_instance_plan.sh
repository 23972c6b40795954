# SPDX-License-Identifier: ISC
# The same roles as t_compliance for instance 3, side B: with every expected
# listener open the host is compliant, and the MIB's instance mapping
# (pcInstanceTable, pcInstancePortTable) shows instance 3's side-B ports,
# as the guide's appendix computes them, to an auditor with nothing but
# snmpwalk.
. "$(dirname "$0")/lib.sh"

start_snmpd
write_agent_conf \
	'instance "cust3" { number = 3 }' \
	'role "icm-router" { instance = 3  side = "b" }' \
	'role "cti-server" { instance = 3  side = "b" }' \
	'ignore { protocol = "tcp"  port = 199 }' \
	'ignore { protocol = "udp"  port = 1161 }'

specs=()
while read -r proto port; do
	specs+=("$proto/0.0.0.0/$port")
done < <(expected_listen_ports "$PC_TMP/portcomply.conf")
start_listeners icm "${specs[@]}"
start_agent
wait_agent_serving
wait_for 10 "pcHostCompliance to be compliant" mib_is pcHostCompliance.0 compliant

[ "$(mib_value pcInstanceName.3)" = cust3 ] || fail "instance 3 is not named cust3"
[ "$(mib_value pcInstanceRoles.3)" = 2 ] || fail "instance 3 does not have 2 roles"
[ "$(mib_value pcInstanceCompliance.3)" = compliant ] || fail "instance 3 is not compliant"

# The plan as the MIB tells it: "PORT RULE" for instance 3, TCP.
snmpwalk -v2c -c public -t 2 -r 1 -On -Oq "$SNMP_TARGET" "$ROOT_OID.1.7.1.5.3.6" |
	awk -v prefix="$ROOT_OID.1.7.1.5.3.6." '{ oid = $1; sub(prefix, "", oid); split(oid, i, ".");
		print i[1], $2 }' >"$PC_TMP/plan.txt"
log "instance 3, TCP, as pcInstancePortRule lists it: $(tr '\n' ' ' <"$PC_TMP/plan.txt")"

# Side B, instance 3: block 41000 (central controller B) + 40 x 3 + offset;
# the CTI Server on PG1's side-B block, 43000 + 120 + 27.
for expected in "41122 dmp-low" "41123 dmp-high" "41127 rtfeed" "41124 private-low" \
	"41125 private-high" "43147 cti"; do
	grep -qx "$expected" "$PC_TMP/plan.txt" || fail "instance 3's plan lacks '$expected'"
done
# Side A's numbers must not be there.
if grep -q '^4004[0-9]\|^40122 \|^42147 ' "$PC_TMP/plan.txt"; then
	fail "instance 3 side B's plan shows side-A ports"
fi
[ "$(mib_value pcInstancePortSide.3.tcp.43147.2.1.1)" = b ] || fail "43147 is not side b"
[ "$(mib_value pcInstancePortStatus.3.tcp.43147.2.1.1)" = present ] || fail "43147 is not present"
[ "$(mib_value pcRoleSide.1)" = b ] || fail "pcRoleSide.1 is not b"
[ "$(mib_value pcRoleInstance.1)" = 3 ] || fail "pcRoleInstance.1 is not 3"
log "ok"
