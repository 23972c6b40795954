#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# make run: a private snmpd master on 127.0.0.1:1161 (its AgentX socket and
# files under ./run), portcomplyd attached to it in the foreground. Ctrl-C
# stops both and removes ./run. The system's own snmpd is never touched.
#
# portcomplyd runs on run/portcomply.conf: conf/portcomply.conf with its
# state directory (the baseline of listeners) in ./run, plus an
# ignore for each socket of the private snmpd (its UDP port, the fixed
# source port of its notifications, its AgentX port when that is TCP), so
# that a fresh run reports no unexpected listener of its own making; SMUX
# (tcp/199) is not loaded. tests/integration/t_make_run.sh runs this script.
#
# Environment (for that test; the defaults are what the README shows):
#   PC_RUN_DIR     where the files go (default ./run)
#   PC_RUN_AGENTX  the AgentX master address (default a socket in the run
#                  directory; tcp:127.0.0.1:PORT for AgentX over TCP)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
run=${PC_RUN_DIR:-$root/run}
address=127.0.0.1:1161
notify_source=127.0.0.1:1163 # pinned (clientaddr), else an ephemeral UDP port
agentx=${PC_RUN_AGENTX:-$run/agentx.sock}
root_oid=.$(sed -n 's/^#define PC_MIB_ROOT \(.*\)$/\1/p' "$root/build/gen/mib_root.h" | tr -d ' ' | tr , .)

if ss -Hlun 'sport = :1161' | grep -q .; then
	echo "run: UDP port 1161 is already in use (another 'make run'?)" >&2
	exit 1
fi
# Started as root, portcomplyd serves as an unprivileged user (-u): the
# system user portcomply once make install or the package made it, else
# nobody (a source tree creates no user). The AgentX socket admits that
# user's group and nobody else.
user_opt=()
agentx_perms=
if [ "$(id -u)" = 0 ]; then
	user=portcomply
	getent passwd "$user" >/dev/null || user=nobody
	user_opt=(-u "$user")
	agentx_perms="agentXPerms 0660 0755 -1 $(id -gn "$user")"
fi

rm -rf "$run"
mkdir -p "$run/persist"
chmod 0755 "$run"
cat >"$run/snmpd.conf" <<SNMPD_CONF
# Private master for 'make run'; see README.md.
agentaddress udp:$address
master agentx
agentXSocket $agentx
$agentx_perms
rocommunity public 127.0.0.1
trap2sink 127.0.0.1:1162 public
[snmp] clientaddr $notify_source
[snmp] clientaddrUsesPort yes
dontLogTCPWrappersConnects yes
SNMPD_CONF

# The example configuration, its catalog made absolute, plus the ignores.
sed "s|^catalog = .*|catalog = \"$root/conf/catalog\"|" "$root/conf/portcomply.conf" >"$run/portcomply.conf"
grep -qx "catalog = \"$root/conf/catalog\"" "$run/portcomply.conf" || {
	echo "run: no 'catalog = ...' line in conf/portcomply.conf to point at $root/conf/catalog" >&2
	exit 1
}
{
	echo
	echo "# make run (tools/run.sh): the baseline of listeners in ./run, and the"
	echo "# private snmpd's own sockets"
	echo "state-directory = \"$run/state\""
	echo "ignore { protocol = \"udp\"  port = ${address##*:} }"
	echo "ignore { protocol = \"udp\"  port = ${notify_source##*:} }"
	case $agentx in
	tcp:*) echo "ignore { protocol = \"tcp\"  port = ${agentx##*:} }" ;;
	esac
} >>"$run/portcomply.conf"

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
SNMP_PERSISTENT_DIR=$run/persist setsid snmpd -f -C -I -smux -c "$run/snmpd.conf" \
	-Lf "$run/snmpd.log" -p "$run/snmpd.pid" &
snmpd_pid=$!
# Ready when the AgentX master listens: its socket file, or its TCP port.
agentx_ready() {
	case $agentx in
	tcp:*) ss -Hltn "sport = :${agentx##*:}" | grep -q . ;;
	*) [ -S "$agentx" ] ;;
	esac
}
for _ in $(seq 100); do
	agentx_ready && break
	if ! kill -0 "$snmpd_pid" 2>/dev/null; then
		cat "$run/snmpd.log" >&2
		exit 1
	fi
	sleep 0.05
done
if ! agentx_ready; then
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

"$root/build/portcomplyd" -f "${user_opt[@]}" -x "$agentx" -c "$run/portcomply.conf" \
	-p "$run/portcomplyd.pid" -Le || true
