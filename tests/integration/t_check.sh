# SPDX-License-Identifier: ISC
# portcomplyd --check with real listeners: the Nagios exit status follows
# the compliance in all four states (0 compliant, 1 degraded,
# 2 nonCompliant, 3 unknown), text and JSON say the same, and an
# unexpected listener is reported without changing the compliance. The
# text fits Nagios and NRPE: perfdata on the first line, the default
# output within 4,096 bytes, --brief one line within 1,024, --verbose the
# tables; a host with 160 missing ports proves the limits.
#
# A site role of two loopback ports: tcp 18021 required, 18022 optional;
# their peers are on this host (peer = "local"), so loopback serves them.
# JSON is checked with perl's JSON::PP (perl comes with build-essential).
. "$(dirname "$0")/lib.sh"

perl -MJSON::PP -e 1 2>/dev/null ||
	fail "perl with JSON::PP is needed (Debian: perl, pulled in by build-essential)"

REQUIRED=18021
OPTIONAL=18022
EXTRA=18099
cat >"$PC_TMP/site.conf" <<SITE
role "check-it" {
	title = "--check scenario"
	table = 0
	rule "needed" {
		description = "required listener"
		protocol = "tcp"  port = $REQUIRED
		direction = "listen"  peer = "local"
		configurable = false  required = true
		source = "SITE"  confidence = "SITE"
	}
	rule "optional" {
		description = "optional listener"
		protocol = "tcp"  port = $OPTIONAL
		direction = "listen"  peer = "local"
		configurable = false  required = false
		source = "SITE"  confidence = "SITE"
	}
}
SITE
write_agent_conf "site-catalog = \"$PC_TMP/site.conf\"" 'role "check-it" {' '}'
CONF=$PC_TMP/portcomply.conf

# check STATUS [OPTIONS...]: run --check, which must exit STATUS; its
# output is in $PC_TMP/check.out and check.err.
check() {
	local want=$1 rc=0
	shift
	"$PC_DAEMON" --check "$@" >"$PC_TMP/check.out" 2>"$PC_TMP/check.err" || rc=$?
	[ "$rc" = "$want" ] ||
		fail "--check $*: exit $rc, expected $want; output: $(cat "$PC_TMP/check.out" "$PC_TMP/check.err")"
}

# On check.out: the status line (the first line up to " | ") is TEXT; a
# line matches REGEX; no line matches REGEX.
status_is() {
	local first
	first=$(head -n 1 "$PC_TMP/check.out")
	[ "${first%% | *}" = "$1" ] || fail "status line '${first%% | *}', expected '$1'"
}
has_line() {
	grep -Eq -- "$1" "$PC_TMP/check.out" || fail "no line matches '$1' in: $(cat "$PC_TMP/check.out")"
}
has_no_line() {
	! grep -Eq -- "$1" "$PC_TMP/check.out" || fail "a line matches '$1' in: $(cat "$PC_TMP/check.out")"
}
# bytes_at_most N: check.out holds at most N bytes.
bytes_at_most() {
	local n
	n=$(wc -c <"$PC_TMP/check.out")
	[ "$n" -le "$1" ] || fail "$n bytes of output, more than $1"
}

# perfdata_is TEXT: the first line ends with " | TEXT...", every item of
# which is 'label'=value[UOM];[warn];[crit];[min];[max] (Nagios plugin
# guidelines), and no other '|' appears anywhere.
perfdata_is() {
	local first perf
	first=$(head -n 1 "$PC_TMP/check.out")
	perf=${first#* | }
	[ "$perf" != "$first" ] || fail "no perfdata on the first line: $first"
	case $perf in "$1"*) ;; *) fail "perfdata '$perf', expected '$1...'" ;; esac
	perl -e 'for (split / /, $ARGV[0]) {
		/^(\x27[^\x27=]+\x27|[^\x27= ]+)=-?[0-9.]+(s|ms|us|%|B|KB|MB|TB|c)?(;-?[0-9.:~@]*){0,4}$/
			or die "not Nagios perfdata: $_\n" }' "$perf" || fail "bad perfdata: $perf"
	[ "$(tr -cd '|' <"$PC_TMP/check.out" | wc -c)" = 1 ] || fail "more than one '|' in: $(cat "$PC_TMP/check.out")"
}

# json EXPR: decode check.out (failing on invalid JSON) and print the perl
# expression EXPR, in which $j is the document; json_is EXPR VALUE.
json() {
	perl -MJSON::PP -0777 -e 'my $j = JSON::PP->new->decode(<STDIN>);
		my $v = eval $ARGV[0]; die $@ if $@; print defined $v ? "$v\n" : "null\n"' "$1" \
		<"$PC_TMP/check.out" || fail "invalid JSON or expression $1: $(cat "$PC_TMP/check.out")"
}
json_is() {
	local got
	got=$(json "$1")
	[ "$got" = "$2" ] || fail "JSON $1 = '$got', expected '$2'"
}
STATUSES='join(" ", map { "$_->{rule}=$_->{status}" } @{$j->{expectations}})'
LISTENERS='join(" ", map { "$_->{protocol}/$_->{address}/$_->{port}/$_->{pid}/$_->{process}/$_->{class}" } @{$j->{listeners}})'

start_listeners L "tcp/127.0.0.1/$REQUIRED" "tcp/127.0.0.1/$OPTIONAL"

log "both ports open: compliant, exit 0; one line by default"
check 0 -c "$CONF"
status_is "PORTCOMPLY OK - compliant: 2 of 2 present, 0 unexpected listeners"
perfdata_is "expected=2;;;0 present=2;;;0 missing=0;;;0 unexpected=0;;;0 unconfigured=0;;;0 "
[ "$(wc -l <"$PC_TMP/check.out")" = 1 ] || fail "more than the status line: $(cat "$PC_TMP/check.out")"
check 0 -c "$CONF" --verbose
has_line "^  present +yes +check-it +- +- +needed +tcp +$REQUIRED +listen +127\.0\.0\.1:$REQUIRED $LISTEN_PID_L/listen uid=0\(root\)$"
has_line "^Poll: netlink at "
check 0 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "compliant 0"
json_is "$STATUSES" "needed=present optional=present"
json_is "$LISTENERS" "tcp/127.0.0.1/$REQUIRED/$LISTEN_PID_L/listen/expected tcp/127.0.0.1/$OPTIONAL/$LISTEN_PID_L/listen/expected"
json_is 'my $e = $j->{expectations}[0]; "$e->{port} $e->{port_last} $e->{direction} " . ($e->{required} ? "required" : "optional")' \
	"$REQUIRED $REQUIRED listen required"

log "an unexpected listener is reported and changes nothing"
start_listeners X "tcp/0.0.0.0/$EXTRA"
check 0 -c "$CONF"
status_is "PORTCOMPLY OK - compliant: 2 of 2 present, 1 unexpected listener; unexpected tcp/$EXTRA $LISTEN_PID_X/listen"
has_line "^unexpected listener: tcp 0\.0\.0\.0:$EXTRA $LISTEN_PID_X/listen uid=0\(root\)$"
check 0 -c "$CONF" --verbose
has_line "^Unexpected listeners:$"
has_line "^  tcp +0\.0\.0\.0 +$EXTRA +1 +$LISTEN_PID_X +listen +0\(root\)$"
check 0 -c "$CONF" --format json
json_is "(grep { \$_->{port} == $EXTRA } @{\$j->{listeners}})[0]{class}" unexpected
json_is '$j->{counts}{unexpected}' 1
listener_do X close 0

log "the optional port closed: degraded, exit 1 (missing at once: no hold-down)"
listener_do L close 1
check 1 -c "$CONF"
status_is "PORTCOMPLY WARNING - degraded: 1 missing, 1 of 2 present, 0 unexpected listeners; missing check-it optional tcp/$OPTIONAL"
perfdata_is "expected=2;;;0 present=1;;;0 missing=1;;;0 "
has_line "^missing \(optional\): check-it, rule optional, tcp/$OPTIONAL listen$"
check 1 -c "$CONF" --verbose
has_line "^Problems:$"
has_line "^  missing +no +check-it +- +- +optional +tcp +$OPTIONAL +listen +-$"
check 1 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "degraded 1"
json_is "$STATUSES" "needed=present optional=missing"

log "the required port closed: nonCompliant, exit 2"
listener_do L open 1
listener_do L close 0
check 2 -c "$CONF"
status_is "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 1 of 2 present, 0 unexpected listeners; missing check-it needed tcp/$REQUIRED"
has_line "^missing \(required\): check-it, rule needed, tcp/$REQUIRED listen$"
check 2 -c "$CONF" --brief
[ "$(wc -l <"$PC_TMP/check.out")" = 1 ] || fail "--brief: more than one line: $(cat "$PC_TMP/check.out")"
status_is "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 1 of 2 present, 0 unexpected listeners; missing check-it needed tcp/$REQUIRED"
perfdata_is "expected=2;;;0 present=1;;;0 missing=1;;;0 "
check 2 -c "$CONF" --verbose
has_line "^  missing +yes +check-it +- +- +needed +tcp +$REQUIRED +listen +-$"
check 2 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "nonCompliant 2"
json_is "$STATUSES" "needed=missing optional=present"
# A monitoring-plugins consumer (negate, which runs a plugin and relays
# its output) passes the report on whole, perfdata included.
NEGATE=/usr/lib/nagios/plugins/negate
if [ -x "$NEGATE" ]; then
	rc=0
	"$NEGATE" -o OK -w WARNING -c CRITICAL -u UNKNOWN -- "$PC_DAEMON" --check -c "$CONF" \
		>"$PC_TMP/negate.out" 2>/dev/null || rc=$?
	[ "$rc" = 2 ] || fail "negate: exit $rc, expected 2"
	head -n 1 "$PC_TMP/negate.out" | grep -q " | expected=2;;;0 present=1;;;0 missing=1;;;0 " ||
		fail "negate relayed: $(cat "$PC_TMP/negate.out")"
fi

log "160 required ports missing: within 4,096 bytes by default, 1,024 with --brief"
{
	echo 'role "crowded" {'
	echo '	title = "many ports"  table = 0'
	for p in $(seq 20000 20159); do
		printf '\trule "a-rather-long-rule-name-for-port-%s" { description = "x" protocol = "tcp" port = %s direction = "listen" configurable = false required = true source = "SITE" confidence = "SITE" }\n' "$p" "$p"
	done
	echo '}'
} >"$PC_TMP/crowded.conf"
write_agent_conf "site-catalog = \"$PC_TMP/crowded.conf\"" 'role "crowded" {' '}'
listener_do L close 1 # nothing unexpected: 160 problems exactly
check 2 -c "$CONF"
bytes_at_most 4096
perfdata_is "expected=160;;;0 present=0;;;0 missing=160;;;0 "
has_line "^missing \(required\): crowded, rule a-rather-long-rule-name-for-port-20000, tcp/20000 listen$"
shown=$(grep -c '^missing (required): crowded' "$PC_TMP/check.out")
more=$(sed -n 's/^and \([0-9]*\) more (--verbose lists every one)$/\1/p' "$PC_TMP/check.out")
[ -n "$more" ] && [ $((shown + more)) = 160 ] || fail "$shown shown and '$more' more, not 160: $(cat "$PC_TMP/check.out")"
check 2 -c "$CONF" --brief
bytes_at_most 1024
[ "$(wc -l <"$PC_TMP/check.out")" = 1 ] || fail "--brief: more than one line"
perfdata_is "expected=160;;;0 present=0;;;0 missing=160;;;0 "
named=$(head -n 1 "$PC_TMP/check.out" | grep -o 'missing crowded ' | wc -l)
more=$(head -n 1 "$PC_TMP/check.out" | sed -n 's/.*, and \([0-9]*\) more | .*/\1/p')
[ -n "$more" ] && [ $((named + more)) = 160 ] || fail "--brief: $named named and '$more' more, not 160"
check 2 -c "$CONF" --verbose
[ "$(grep -Ec '^  missing +yes +crowded ' "$PC_TMP/check.out")" = 320 ] ||
	fail "--verbose does not list the 160 problems twice (problems and expectations)"

log "an invalid configuration: unknown, exit 3, FILE:LINE on both streams"
printf 'catalog = "%s"\nrole "no-such-role" {\n}\n' "$PC_ROOT/conf/catalog" >"$PC_TMP/bad.conf"
check 3 -c "$PC_TMP/bad.conf"
grep -q "^PORTCOMPLY UNKNOWN - invalid configuration: $PC_TMP/bad.conf:2: .*no-such-role" "$PC_TMP/check.out" ||
	fail "unexpected report: $(cat "$PC_TMP/check.out")"
grep -q "^$PC_TMP/bad.conf:2: .*no-such-role" "$PC_TMP/check.err" ||
	fail "unexpected stderr: $(cat "$PC_TMP/check.err")"
check 3 -c "$PC_TMP/bad.conf" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "unknown 3"

log "usage errors are unknown too, exit 3"
check 3 -c "$CONF" --bogus
check 3 -c "$CONF" --format xml
check 3 -c "$CONF" --brief --verbose
log "ok"
