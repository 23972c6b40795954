# SPDX-License-Identifier: ISC
# Bad start-up input gets one clear line and a non-zero exit; an unreachable
# master is reported with its reason and retried, not fatal (how often it
# is reported: t_agentx_link).
. "$(dirname "$0")/lib.sh"

# expect_failure STATUS PATTERN CMD...: CMD exits STATUS and prints exactly
# one line on stderr, matching PATTERN (grep -E).
expect_failure() {
	local want=$1 pattern=$2 rc=0
	shift 2
	"$@" >"$PC_TMP/out" 2>"$PC_TMP/err" || rc=$?
	[ "$rc" = "$want" ] || fail "$*: exit $rc, expected $want"
	[ "$(wc -l <"$PC_TMP/err")" = 1 ] || fail "$*: expected one line, got: $(cat "$PC_TMP/err")"
	grep -Eq -- "$pattern" "$PC_TMP/err" || fail "$*: '$(cat "$PC_TMP/err")' does not match '$pattern'"
	log "$*: $(cat "$PC_TMP/err")"
}

expect_failure 2 "^$PC_TMP/missing.conf: .*No such file or directory" \
	"$PC_DAEMON" -f -c "$PC_TMP/missing.conf"
expect_failure 1 "unknown option -z" "$PC_DAEMON" -z
expect_failure 1 "unknown option --frobnicate" "$PC_DAEMON" --frobnicate
expect_failure 1 "option -c needs a value" "$PC_DAEMON" -c
expect_failure 1 "unexpected argument 'extra'" "$PC_DAEMON" -f extra
expect_failure 1 "--slot '7'" "$PC_DAEMON" --expected --role icm-pg --slot 7
# The usage text: "1 usage or runtime error, 2 invalid configuration".
"$PC_DAEMON" -h | grep -q "Exit status: 0 success, 1 usage or runtime error, 2 invalid configuration" ||
	fail "the usage text no longer states the exit statuses this test checks"
expect_failure 1 "unknown role no-such-role" "$PC_DAEMON" --expected --role no-such-role
expect_failure 1 "--side c: must be" "$PC_DAEMON" --expected --role icm-router --side c
expect_failure 1 "role vnc takes no instance" "$PC_DAEMON" --expected --role vnc --instance 2
expect_failure 1 "--instance, --side and --slot need --role" "$PC_DAEMON" --expected --instance 2
expect_failure 1 "--brief and --verbose go with --check" "$PC_DAEMON" --expected --brief
# nftables' own syntax only: JSON asked for is refused, not answered in text.
expect_failure 1 "--export writes the firewall's own syntax; --format json goes with" \
	"$PC_DAEMON" --export nftables --format json

printf 'hold-down = 2\npoll-interval = 0\n' >"$PC_TMP/bad.conf"
expect_failure 2 "^$PC_TMP/bad.conf:2: poll-interval = 0: must be between 1 and 3600" \
	"$PC_DAEMON" -f -c "$PC_TMP/bad.conf"

# An owner that is no user of this host: refused when the file is read.
printf 'catalog = "%s"\nrole "vnc" {\n\towner-user = "no-such-user-pc"\n}\n' "$PC_ROOT/conf/catalog" >"$PC_TMP/owner.conf"
expect_failure 2 "^$PC_TMP/owner.conf:3: role vnc: owner-user = \"no-such-user-pc\": no such user on this host" \
	"$PC_DAEMON" -f -c "$PC_TMP/owner.conf"

log "an unreachable master is reported with its reason and retried"
start_agent
wait_for 5 "the unreachable-master line" grep -qF \
	"cannot reach the AgentX master at $AGENTX_SOCKET: No such file or directory: no socket $AGENTX_SOCKET: snmpd is not running" \
	"$PC_TMP/portcomplyd.log"
grep -q "retrying every 1 s (attempt 1;" "$PC_TMP/portcomplyd.log" || fail "the retry period is not said"
kill -0 "$AGENT_PID" || fail "portcomplyd exited while the master was unreachable"
start_snmpd
wait_agent_serving 10
grep -q "connected to the AgentX master at $AGENTX_SOCKET" "$PC_TMP/portcomplyd.log" ||
	fail "the connection was not logged"
log "ok"
