# SPDX-License-Identifier: ISC
# Reads snmpd's packet dump (snmpd -d) and prints one line per SNMP request
# received over UDP: the client's port, snmpd's port it came to, the PDU's
# size in bytes, and how many AgentX requests snmpd sent its subagents before
# the next SNMP request (the AgentX round trips that request cost). snmpd is
# single-threaded: what it sends a subagent between two requests belongs to
# the first.
function flush() { if (port != "") print port, to, size, agentx; port = "" }
/^Received [0-9]+ byte packet from UDP(\/IPv6)?: / {
	flush()
	size = $2
	# "UDP: [127.0.0.1]:52157->[127.0.0.1]:1161", "UDP/IPv6: [::1]:52157->[::1]:1161"
	port = $0
	sub(/^[^]]*\]:/, "", port)
	sub(/->.*/, "", port)
	to = $0
	sub(/.*\]:/, "", to)
	agentx = 0
	next
}
# snmpd -d names the master's side of an AgentX session "abstract"; the
# subagent's answers arrive as "Received ... from Local IPC: <socket>".
/^Sending [0-9]+ bytes to Local IPC: abstract$/ { if (port != "") agentx++ }
END { flush() }
