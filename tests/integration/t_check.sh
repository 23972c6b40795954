# portcomplyd --check with real listeners: the Nagios exit status follows
# the compliance in all four states (0 compliant, 1 degraded,
# 2 nonCompliant, 3 unknown), text and JSON say the same, and an
# unexpected listener is reported without changing the compliance.
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

# On check.out: the first line is TEXT; the last one starts with TEXT; a
# line matches REGEX.
first_line_is() {
	[ "$(head -n 1 "$PC_TMP/check.out")" = "$1" ] ||
		fail "first line '$(head -n 1 "$PC_TMP/check.out")', expected '$1'"
}
last_line_starts() {
	case $(tail -n 1 "$PC_TMP/check.out") in
	"$1"*) ;;
	*) fail "last line '$(tail -n 1 "$PC_TMP/check.out")', expected '$1...'" ;;
	esac
}
has_line() {
	grep -Eq -- "$1" "$PC_TMP/check.out" || fail "no line matches '$1' in: $(cat "$PC_TMP/check.out")"
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

log "both ports open: compliant, exit 0"
check 0 -c "$CONF"
first_line_is "PORTCOMPLY OK - compliant: 2 of 2 present, 0 unexpected listeners"
has_line "^  present +yes +check-it +- +- +needed +tcp +$REQUIRED +listen +127\.0\.0\.1:$REQUIRED $LISTEN_PID_L/listen uid=0\(root\)$"
last_line_starts "| expected=2;;;0 present=2;;;0 missing=0;;;0 unexpected=0;;;0 unconfigured=0;;;0 "
check 0 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "compliant 0"
json_is "$STATUSES" "needed=present optional=present"
json_is "$LISTENERS" "tcp/127.0.0.1/$REQUIRED/$LISTEN_PID_L/listen/expected tcp/127.0.0.1/$OPTIONAL/$LISTEN_PID_L/listen/expected"
json_is 'my $e = $j->{expectations}[0]; "$e->{port} $e->{port_last} $e->{direction} " . ($e->{required} ? "required" : "optional")' \
	"$REQUIRED $REQUIRED listen required"

log "an unexpected listener is reported and changes nothing"
start_listeners X "tcp/0.0.0.0/$EXTRA"
check 0 -c "$CONF"
first_line_is "PORTCOMPLY OK - compliant: 2 of 2 present, 1 unexpected listener"
has_line "^Unexpected listeners:$"
has_line "^  tcp +0\.0\.0\.0 +$EXTRA +1 +$LISTEN_PID_X +listen +0\(root\)$"
check 0 -c "$CONF" --format json
json_is "(grep { \$_->{port} == $EXTRA } @{\$j->{listeners}})[0]{class}" unexpected
json_is '$j->{counts}{unexpected}' 1
listener_do X close 0

log "the optional port closed: degraded, exit 1 (missing at once: no hold-down)"
listener_do L close 1
check 1 -c "$CONF"
first_line_is "PORTCOMPLY WARNING - degraded: 1 missing, 1 of 2 present, 0 unexpected listeners"
has_line "^Problems:$"
has_line "^  missing +no +check-it +- +- +optional +tcp +$OPTIONAL +listen +-$"
last_line_starts "| expected=2;;;0 present=1;;;0 missing=1;;;0 "
check 1 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "degraded 1"
json_is "$STATUSES" "needed=present optional=missing"

log "the required port closed: nonCompliant, exit 2"
listener_do L open 1
listener_do L close 0
check 2 -c "$CONF"
first_line_is "PORTCOMPLY CRITICAL - nonCompliant: 1 missing (1 required), 1 of 2 present, 0 unexpected listeners"
has_line "^  missing +yes +check-it +- +- +needed +tcp +$REQUIRED +listen +-$"
check 2 -c "$CONF" --format json
json_is '$j->{compliance} . " " . $j->{exit_status}' "nonCompliant 2"
json_is "$STATUSES" "needed=missing optional=present"

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
log "ok"
