# SPDX-License-Identifier: ISC
# portcomplyd --discover on real sockets: a sample of the catalog's roles
# at various instances, sides and slots (the whole matrix runs in
# tests/unit/core/test_discover.c on snapshots), each plan's listen ports
# opened as `--expected --role` prints them, comes out first (or tied
# first, with the reason); a Router with its Logger comes out as one
# candidate, whose `--format conf` is a configuration that `--check -c`
# accepts as it is and finds compliant while those ports listen.
. "$(dirname "$0")/lib.sh"

perl -MJSON::PP -e 1 2>/dev/null ||
	fail "perl with JSON::PP is needed (Debian: perl, pulled in by build-essential)"

write_agent_conf
CONF=$PC_TMP/portcomply.conf

# plan_specs ROLE [--instance N] [--side S] [--slot K]: the listen helper's
# specs for the plan's listen ports (a range by its first port).
plan_specs() {
	local role=$1
	shift
	"$PC_DAEMON" --expected --role "$role" "$@" |
		awk '$1 !~ /^#/ && $1 != "ROLE" && $8 == "listen" && $7 ~ /^[0-9]/ {
			split($7, p, "-"); print $6 "/0.0.0.0/" p[1] }' | sort -u
}

# discover_json: --discover --format json into $PC_TMP/discover.json.
discover_json() {
	"$PC_DAEMON" --discover --format json -c "$CONF" >"$PC_TMP/discover.json" 2>"$PC_TMP/discover.err" ||
		fail "--discover failed: $(cat "$PC_TMP/discover.err")"
}

# first_holds ROLE INSTANCE SIDE SLOT: a candidate tied with the first (or
# the first) has exactly one role, ROLE, and listeners cannot tell the
# asked instance, side and slot from its own ("-": the role takes none).
first_holds() {
	perl -MJSON::PP -e '
		my ($role, $inst, $side, $slot) = @ARGV;
		local $/; open my $f, "<", "'"$PC_TMP"'/discover.json" or die;
		my $d = decode_json(<$f>);
		my @c = @{$d->{candidates}};
		@c or exit 1;
		my $best = $c[0]{score};
		sub in_runs { my ($runs, $v) = @_; return 1 if $v eq "-";
			for (split / /, $runs) { my ($a, $b) = split /-/; $b //= $a;
				return 1 if $v >= $a && $v <= $b } 0 }
		for my $c (@c) {
			last if $c->{score} != $best;
			next unless $c == $c[0] || defined $c->{tie_with};
			my @r = @{$c->{roles}};
			next unless @r == 1 && $r[0]{role} eq $role;
			next unless in_runs($r[0]{same_ports_instances}, $inst);
			next unless $side eq "-" || grep { $_ eq $side } split /\|/, $r[0]{same_ports_sides};
			next unless in_runs($r[0]{same_ports_slots}, $slot);
			exit 0;
		}
		exit 1' "$@"
}

case_no=0
# one_case ROLE INSTANCE SIDE SLOT: open the plan, discover, close.
one_case() {
	local role=$1 inst=$2 side=$3 slot=$4 args=() specs
	[ "$inst" != - ] && args+=(--instance "$inst")
	[ "$side" != - ] && args+=(--side "$side")
	[ "$slot" != - ] && args+=(--slot "$slot")
	mapfile -t specs < <(plan_specs "$role" "${args[@]}")
	[ "${#specs[@]}" -gt 0 ] || fail "$role ${args[*]}: no listen port in its plan"
	case_no=$((case_no + 1))
	start_listeners "case$case_no" "${specs[@]}"
	discover_json
	local fd_var="LISTEN_FD_case$case_no" pid_var="LISTEN_PID_case$case_no"
	echo quit >&"${!fd_var}"
	wait "${!pid_var}" || true
	first_holds "$role" "$inst" "$side" "$slot" ||
		fail "$role instance $inst side $side slot $slot is not first: $(cat "$PC_TMP/discover.json")"
	log "$role instance $inst side $side slot $slot: first"
}

one_case icm-router 2 b -
one_case icm-logger 0 a -
one_case icm-pg 5 a 2
one_case cti-server 3 b 3
one_case icm-distributor 1 secondary -
one_case outbound-option-dialer 4 - 2
one_case ctios-server 0 b 1
one_case ipcc-express - - -
one_case rms-listener - - -

# The tie is stated: CTI OS listens on 42028 whatever its side.
"$PC_DAEMON" --discover -c "$CONF" >/dev/null # (the listeners are closed: no candidate)
start_listeners ctios tcp/0.0.0.0/42028
"$PC_DAEMON" --discover -c "$CONF" >"$PC_TMP/discover.txt"
grep -q 'ctios-server: listeners cannot choose: its listen ports do not move with the instance, the side or the slot' \
	"$PC_TMP/discover.txt" || fail "no stated ambiguity: $(cat "$PC_TMP/discover.txt")"
echo quit >&"$LISTEN_FD_ctios"

# A Router with its Logger, instance 3 side a: one candidate of both roles.
mapfile -t specs < <({ plan_specs icm-router --instance 3 --side a; plan_specs icm-logger --instance 3 --side a; } | sort -u)
start_listeners combined "${specs[@]}"
discover_json
perl -MJSON::PP -e '
	local $/; open my $f, "<", "'"$PC_TMP"'/discover.json" or die;
	my $c = decode_json(<$f>)->{candidates}[0] or exit 1;
	my %r = map { $_->{role} => $_ } @{$c->{roles}};
	exit !(keys %r == 2 && $r{"icm-router"} && $r{"icm-logger"} &&
	       $r{"icm-router"}{instance} == 3 && $r{"icm-logger"}{side} eq "a" &&
	       $c->{unexplained} == 0)' ||
	fail "Router and Logger are not one candidate: $(cat "$PC_TMP/discover.json")"
log "icm-router + icm-logger instance 3 side a: one candidate"

# Its configuration round-trips: --check -c accepts it and says compliant.
"$PC_DAEMON" --discover --format conf -c "$CONF" >"$PC_TMP/found.conf"
rc=0
"$PC_DAEMON" --check -c "$PC_TMP/found.conf" >"$PC_TMP/check.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "--check -c on the discovered configuration: exit $rc: $(cat "$PC_TMP/found.conf" "$PC_TMP/check.out")"
grep -q '^PORTCOMPLY OK - compliant' "$PC_TMP/check.out" || fail "not compliant: $(cat "$PC_TMP/check.out")"
log "--format conf round-trips through --check -c: compliant"

# With the configuration saying instance 0, discovery says the roles differ.
cat >>"$CONF" <<'ROLES'
role "icm-router" {
	instance = 0
	side = "a"
}
role "icm-logger" {
	instance = 0
	side = "a"
}
ROLES
"$PC_DAEMON" --discover -c "$CONF" >"$PC_TMP/discover.txt"
grep -q 'The configured roles are NOT among the best candidates' "$PC_TMP/discover.txt" ||
	fail "a configuration of instance 0 on an instance 3 host is not called out: $(cat "$PC_TMP/discover.txt")"
log "instance 0 configured on an instance 3 host: called out"
