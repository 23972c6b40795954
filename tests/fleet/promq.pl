#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# Ask a Prometheus server over its HTTP API, print plain lines for shell tests.
#
#   promq.pl URL alerts            one line per active alert:
#                                  STATE ALERTNAME ACTIVE_AT_EPOCH label=value...
#   promq.pl URL query EXPR        one line per sample: VALUE label=value...
#
# Labels are sorted by name; exit status 1 when the server cannot be asked.
use strict;
use warnings;
use HTTP::Tiny;
use JSON::PP;
use Time::Local qw(timegm);

my ($base, $what, $expr) = @ARGV;
my $http = HTTP::Tiny->new(timeout => 5);

sub get {
	my ($path, %params) = @_;
	my $url = "$base$path";
	$url .= '?' . $http->www_form_urlencode(\%params) if %params;
	my $res = $http->get($url);
	exit 1 unless $res->{success};
	my $body = decode_json($res->{content});
	exit 1 unless $body->{status} eq 'success';
	return $body->{data};
}

sub labels {
	my ($l) = @_;
	return join ' ', map { "$_=$l->{$_}" } sort keys %$l;
}

# RFC 3339 as Prometheus writes it (UTC, fractional seconds) to epoch seconds.
sub epoch {
	my ($t) = @_;
	my ($y, $mo, $d, $h, $mi, $s, $frac) =
		$t =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)(\.\d+)?Z$/ or return 0;
	return timegm($s, $mi, $h, $d, $mo - 1, $y) + ($frac // 0);
}

if ($what eq 'alerts') {
	for my $a (@{ get('/api/v1/alerts')->{alerts} }) {
		my %l = %{ $a->{labels} };
		my $name = delete $l{alertname};
		printf "%s %s %.3f %s\n", $a->{state}, $name, epoch($a->{activeAt}), labels(\%l);
	}
} elsif ($what eq 'query') {
	my $data = get('/api/v1/query', query => $expr);
	for my $r (@{ $data->{result} }) {
		my $v = $data->{resultType} eq 'vector' ? $r->{value}[1] : '?';
		print "$v ", labels($r->{metric}), "\n";
	}
} else {
	die "promq.pl: unknown request $what\n";
}
