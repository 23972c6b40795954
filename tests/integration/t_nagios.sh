# SPDX-License-Identifier: ISC
# contrib/nagios as Nagios would run it: the command lines of
# portcomply.cfg ($USER1$, $HOSTADDRESS$, $ARG1$ expanded; the install
# paths replaced by this tree's), against a real snmpd + portcomplyd, a
# real nrpe with nrpe-portcomply.cfg, check_nrpe and check_snmp. Every
# check says OK, WARNING, CRITICAL as the host goes compliant, degraded,
# nonCompliant; the SNMP check says UNKNOWN for unknown(4) (where plain
# check_snmp thresholds say CRITICAL) and when no agent is registered.
. "$PC_ROOT/tests/integration/lib.sh"

NAGIOS=$PC_ROOT/contrib/nagios
PLUGINS=/usr/lib/nagios/plugins
[ -x "$PLUGINS/check_nrpe" ] && command -v nrpe >/dev/null ||
	{ echo "nrpe or check_nrpe not installed (make deps)"; exit 77; }

# The host's snmpd on the standard port: the command lines give none.
SNMP_TARGET=127.0.0.1:161
write_agent_conf "$SVC_CATALOG" 'role "svc" {}' "hold-down = 1"
start_snmpd
start_svc_listeners svc
start_agent
wait_for 20 "the agent to judge the host compliant" mib_is pcHostCompliance.0 compliant

# ---- NRPE on the host, with the shipped command ----
# nrpe refuses to run commands as root: they run as nobody, who must read
# the configuration (the catalog is in the tree).
chmod 755 "$PC_TMP"
chmod 644 "$PC_TMP/portcomply.conf"

sed -e "s|/usr/local/sbin/portcomplyd|$PC_DAEMON|" -e "s|/etc/portcomply/portcomply.conf|$PC_TMP/portcomply.conf|" \
	"$NAGIOS/nrpe-portcomply.cfg" >"$PC_TMP/nrpe-portcomply.cfg"
grep -q "^command\[check_portcomply\]=$PC_DAEMON --check" "$PC_TMP/nrpe-portcomply.cfg" ||
	fail "nrpe-portcomply.cfg no longer has the command line this test adapts"
cat >"$PC_TMP/nrpe.cfg" <<EOF
log_facility=daemon
pid_file=$PC_TMP/nrpe.pid
server_address=127.0.0.1
server_port=5666
nrpe_user=nobody
nrpe_group=nogroup
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
command_timeout=30
include=$PC_TMP/nrpe-portcomply.cfg
EOF
start_bg NRPE_PID nrpe -c "$PC_TMP/nrpe.cfg" -f
wait_for 10 "nrpe to answer" "$PLUGINS/check_nrpe" -H 127.0.0.1 -t 2

# ---- the command definitions, expanded as Nagios does ----

mkdir -p "$PC_TMP/user1"
ln -s "$PLUGINS/check_nrpe" "$PC_TMP/user1/check_nrpe"
ln -s "$NAGIOS/check_portcomply_snmp" "$PC_TMP/user1/check_portcomply_snmp"

# command_line NAME HOSTADDRESS: the expanded command line of NAME.
command_line() {
	awk -v name="$1" '
		/define command/ { n = ""; l = "" }
		$1 == "command_name" { n = $2 }
		$1 == "command_line" { sub(/^[ \t]*command_line[ \t]+/, ""); l = $0 }
		/^}/ && n == name { print l; exit }' "$NAGIOS/portcomply.cfg" |
		sed -e "s|\\\$USER1\\\$|$PC_TMP/user1|g" -e "s|\\\$HOSTADDRESS\\\$|$2|g" -e "s|\\\$ARG1\\\$|public|g" \
			-e "s|/usr/local/sbin/portcomplyd|$PC_DAEMON|" -e "s|/etc/portcomply/portcomply.conf|$PC_TMP/portcomply.conf|"
}

# Every service of portcomply.cfg uses one of these.
for svc_cmd in $(awk '$1 == "check_command" { split($2, a, "!"); print a[1] }' "$NAGIOS/portcomply.cfg"); do
	[ -n "$(command_line "$svc_cmd" 127.0.0.1)" ] || fail "service command $svc_cmd is not defined"
done

# run_check NAME [HOSTADDRESS]: exit status and first line in CHECK_RC, CHECK_OUT.
run_check() {
	local line
	line=$(command_line "$1" "${2:-127.0.0.1}")
	[ -n "$line" ] || fail "no command $1 in portcomply.cfg"
	set +e
	CHECK_OUT=$(eval "$line" 2>&1)
	CHECK_RC=$?
	set -e
	CHECK_OUT=$(head -n 1 <<<"$CHECK_OUT")
}

# expect_all RC STATE: the three commands agree.
expect_all() {
	local cmd
	for cmd in check_portcomply_local check_portcomply_nrpe check_portcomply_snmp; do
		run_check "$cmd"
		[ "$CHECK_RC" = "$1" ] || fail "$cmd: exit $CHECK_RC, want $1 ($CHECK_OUT)"
		[[ $CHECK_OUT == "PORTCOMPLY $2 - "* ]] || fail "$cmd: '$CHECK_OUT', want PORTCOMPLY $2"
	done
	log "all three: $2 ($CHECK_OUT)"
}

expect_all 0 OK

# Optional 7002 gone: degraded.
listener_do keep close 0
wait_for 20 "the agent to judge the host degraded" mib_is pcHostCompliance.0 degraded
expect_all 1 WARNING

# Required 7001 gone too: nonCompliant.
listener_do svc close 0
wait_for 20 "the agent to judge the host nonCompliant" mib_is pcHostCompliance.0 nonCompliant
expect_all 2 CRITICAL
run_check check_portcomply_snmp
[ "$CHECK_OUT" = "PORTCOMPLY CRITICAL - host compliance nonCompliant(3) | compliance=3;1:1;1:2;1;4" ] ||
	fail "SNMP check output: $CHECK_OUT"

# ---- unknown(4): a host whose agent has not polled yet ----
# (an snmpd on 127.0.0.2 that serves pcHostCompliance.0 = 4: the value the
# agent serves before its first poll, which a test cannot hold still)
OID_COMPLIANCE=$ROOT_OID.1.2.1.0
mkdir -p "$PC_TMP/unknown"
cat >"$PC_TMP/unknown/snmpd.conf" <<EOF
agentaddress udp:127.0.0.2:161
rocommunity public 127.0.0.1
override $OID_COMPLIANCE integer 4
EOF
SNMP_PERSISTENT_DIR=$PC_TMP/unknown/persist start_bg UNKNOWN_PID \
	snmpd -f -C -I -smux -c "$PC_TMP/unknown/snmpd.conf" -Lf "$PC_TMP/snmpd-unknown.log"
wait_for 10 "the second snmpd" snmpget -v2c -c public -t 0.2 -r 0 127.0.0.2 "$OID_COMPLIANCE"
run_check check_portcomply_snmp 127.0.0.2
[ "$CHECK_RC" = 3 ] || fail "unknown(4): exit $CHECK_RC, want 3 ($CHECK_OUT)"
[[ $CHECK_OUT == "PORTCOMPLY UNKNOWN - host compliance unknown(4) "* ]] || fail "unknown(4): $CHECK_OUT"
# What the wrapper is for: plain thresholds call it CRITICAL.
set +e
"$PLUGINS/check_snmp" -H 127.0.0.2 -P 2c -C public -o "$OID_COMPLIANCE" -w 1 -c 2 >/dev/null
plain=$?
set -e
[ "$plain" = 2 ] || fail "check_snmp -w 1 -c 2 on unknown(4): exit $plain (docs/fleet.md says 2)"
log "unknown(4): UNKNOWN through the wrapper, CRITICAL with plain check_snmp -w 1 -c 2"

# ---- no agent registered: UNKNOWN, not a verdict ----
stop_pid "$AGENT_PID"
run_check check_portcomply_snmp
[ "$CHECK_RC" = 3 ] || fail "no agent: exit $CHECK_RC, want 3 ($CHECK_OUT)"
log "no agent: $CHECK_OUT"
