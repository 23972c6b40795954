#!/usr/bin/env bash
# make run: a private snmpd master on 127.0.0.1:1161 (its AgentX socket and
# files under ./run), portcomplyd attached to it in the foreground. Ctrl-C
# stops both and removes ./run. The system's own snmpd is never touched.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run=$root/run
address=127.0.0.1:1161
root_oid=.$(sed -n 's/^#define PC_MIB_ROOT \(.*\)$/\1/p' "$root/build/gen/mib_root.h" | tr -d ' ' | tr , .)

if ss -Hlun 'sport = :1161' | grep -q .; then
	echo "run: UDP port 1161 is already in use (another 'make run'?)" >&2
	exit 1
fi
rm -rf "$run"
mkdir -p "$run/persist"
cat >"$run/snmpd.conf" <<SNMPD_CONF
# Private master for 'make run'; see README.md.
agentaddress udp:$address
master agentx
agentXSocket $run/agentx.sock
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:1162 public
dontLogTCPWrappersConnects yes
SNMPD_CONF

snmpd_pid=
cleanup() {
	if [ -n "$snmpd_pid" ]; then
		kill "$snmpd_pid" 2>/dev/null || true
		wait "$snmpd_pid" 2>/dev/null || true
	fi
	rm -rf "$run"
}
trap cleanup EXIT

# Its own session: Ctrl-C reaches portcomplyd alone, which then closes its
# AgentX session with the master still there; the trap stops snmpd after.
SNMP_PERSISTENT_DIR=$run/persist setsid snmpd -f -C -c "$run/snmpd.conf" -Lf "$run/snmpd.log" \
	-p "$run/snmpd.pid" &
snmpd_pid=$!
for _ in $(seq 100); do
	[ -S "$run/agentx.sock" ] && break
	if ! kill -0 "$snmpd_pid" 2>/dev/null; then
		cat "$run/snmpd.log" >&2
		exit 1
	fi
	sleep 0.05
done
if [ ! -S "$run/agentx.sock" ]; then
	echo "run: snmpd did not open its AgentX socket; see $run/snmpd.log" >&2
	exit 1
fi

cat <<HELP
snmpd (pid $snmpd_pid) serves $address; portcomplyd is attached to it. In another shell:

  snmpwalk -v2c -c public $address $root_oid
  snmpwalk -v2c -c public -M +$root/mibs -m +PORT-COMPLIANCE-MIB $address PORT-COMPLIANCE-MIB::portComplianceMIB

Notifications go to 127.0.0.1:1162, e.g. to:
  snmptrapd -f -Lo -C --authCommunity='log public' -M +$root/mibs -m +PORT-COMPLIANCE-MIB udp:127.0.0.1:1162
Ctrl-C stops both.

HELP

"$root/build/portcomplyd" -f -x "$run/agentx.sock" -c "$root/conf/portcomply.conf" -Le || true
