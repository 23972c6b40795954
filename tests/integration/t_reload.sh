# SPDX-License-Identifier: ISC
# SIGHUP re-reads the configuration. One that does not validate changes
# nothing: its FILE:LINE errors go to the log and the previous one keeps
# serving. A valid one takes effect at once, roles and all.
. "$(dirname "$0")/lib.sh"

start_snmpd
start_svc_listeners svc
site=$SVC_CATALOG
write_agent_conf "$site" 'role "svc" {}'
start_agent
wait_agent_serving
wait_for 10 "the host to be compliant" mib_is pcHostCompliance.0 compliant

log "a broken configuration: refused, the old one keeps serving"
write_agent_conf "$site" 'role "svc" {}' 'role "no-such-role" {}'
kill -HUP "$AGENT_PID"
wait_for 5 "the refusal in the log" grep -q 'still serving the previous configuration' \
	"$PC_TMP/portcomplyd.log"
grep -q "^$PC_TMP/portcomply.conf:[0-9]*: .*no-such-role" "$PC_TMP/portcomplyd.log" ||
	fail "the error does not name FILE:LINE and the bad role: $(grep -i role "$PC_TMP/portcomplyd.log")"
kill -0 "$AGENT_PID" || fail "portcomplyd exited on a bad reload"
[ "$(mib_value pcRoleName.1)" = svc ] || fail "the role table changed"
if mib_value pcRoleName.2 | grep -q no-such-role; then fail "the bad role is served"; fi
[ "$(mib_value pcHostCompliance.0)" = compliant ] || fail "compliance changed"

log "a section left open at the end of the file: refused with its line, not half read"
write_agent_conf "$site" 'role "svc" {}' 'role "web" { instance = 2 }' 'role "web" { instance = 3'
kill -HUP "$AGENT_PID"
wait_for 5 "the open section in the log" grep -q \
	"^$PC_TMP/portcomply.conf:[0-9]*: this section is not closed" "$PC_TMP/portcomplyd.log"
wait_for 5 "the refusal in the log" test "$(grep -c 'still serving the previous' "$PC_TMP/portcomplyd.log")" = 2
if grep -q '^.*reloaded' "$PC_TMP/portcomplyd.log"; then fail "an open section was reloaded"; fi
[ "$(mib_value pcRoleName.1)" = svc ] || fail "the role table changed"

log "a FIFO as site catalog: refused at once; the agent answers and stops meanwhile"
mkfifo "$PC_TMP/site.fifo"
write_agent_conf "$site" "site-catalog = \"$PC_TMP/site.fifo\"" 'role "svc" {}'
kill -HUP "$AGENT_PID"
wait_for 5 "the FIFO refused in the log" grep -q \
	"^$PC_TMP/site.fifo: not a regular file (a FIFO)" "$PC_TMP/portcomplyd.log"
[ "$(mib_value pcRoleName.1)" = svc ] || fail "the agent does not answer after a FIFO reload"
rm -f "$PC_TMP/site.fifo"

log "a valid configuration with one more role: served at once"
write_agent_conf "$site" 'role "svc" {}' 'role "web" { instance = 2 }'
kill -HUP "$AGENT_PID"
wait_for 5 "the new role" mib_is pcRoleName.2 web
[ "$(mib_value pcRoleInstance.2)" = 2 ] || fail "the new role's instance is not 2"
wait_for 5 "the missing web port to count" mib_is pcHostCompliance.0 nonCompliant
[ "$(mib_value pcExpectPort.2.1.1)" = 8021 ] || fail "web instance 2 does not expect 8021"

log "SIGTERM stops it promptly"
kill -TERM "$AGENT_PID"
exited() { [ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat"; }
wait_for 10 "portcomplyd to exit on SIGTERM" exited "$AGENT_PID"
log "ok"
