# SPDX-License-Identifier: ISC
# A master reached over TCP (-x tcp:127.0.0.1:705) works like a Unix socket.
. "$(dirname "$0")/lib.sh"

AGENTX_SOCKET=tcp:127.0.0.1:705
write_snmpd_conf
start_bg SNMPD_PID snmpd -f -C -c "$PC_TMP/snmpd/snmpd.conf" -Lf "$PC_TMP/snmpd.log"
wait_for 10 "snmpd to answer" snmpget -v2c -c public -t 0.2 -r 0 "$SNMP_TARGET" .1.3.6.1.2.1.1.3.0
start_agent
wait_agent_serving
grep -q "connected to the AgentX master at tcp:127.0.0.1:705" "$PC_TMP/portcomplyd.log" ||
	fail "no connection over TCP logged"
log "ok"
