#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# Grafana dashboards against the snmp_exporter module: every metric name in
# a query of the dashboard (panel targets, template variables) must be one
# the module produces: a metric of snmp.yml, or one snmp_exporter adds to
# every scrape (snmp_scrape_*), or Prometheus's own `up`.
#
#   dashboard-metrics.pl DASHBOARD.json SNMP.yml        check; exit 1 and say which
#   dashboard-metrics.pl --exprs DASHBOARD.json         print the queries, one a line
use strict;
use warnings;
use JSON::PP;

my $print_only = $ARGV[0] eq '--exprs' && shift;
my ($dashboard, $snmp_yml) = @ARGV;

my $json = do { local $/; open my $f, '<', $dashboard or die "$dashboard: $!\n"; <$f> };
my $dash = decode_json($json);

# Every query: "expr" of targets, "query"/"definition" of template variables.
my @exprs;
sub walk {
	my ($node) = @_;
	if (ref $node eq 'HASH') {
		for my $k (sort keys %$node) {
			my $v = $node->{$k};
			if (!ref $v && ($k eq 'expr' || (($k eq 'query' || $k eq 'definition') && $v =~ /\(/))) {
				push @exprs, $v;
			} else {
				walk($v);
			}
		}
	} elsif (ref $node eq 'ARRAY') {
		walk($_) for @$node;
	}
}
walk($dash);
die "$dashboard: no query at all\n" unless @exprs;

if ($print_only) {
	print "$_\n" for @exprs;
	exit 0;
}

my %known = (up => 1);
$known{"snmp_scrape_$_"} = 1
	for qw(duration_seconds walk_duration_seconds pdus_returned packets_sent packets_retried);
open my $y, '<', $snmp_yml or die "$snmp_yml: $!\n";
while (<$y>) {
	$known{$1} = 1 if /^  - name: (\S+)$/;
}
close $y;
die "$snmp_yml: no metric names found\n" if keys %known < 7;

my %keywords = map { $_ => 1 } qw(and or unless by without on ignoring group_left group_right
	offset bool inf nan);

# The metric names of one PromQL expression.
sub metric_names {
	my ($e) = @_;
	$e =~ s/"(?:[^"\\]|\\.)*"//g;          # strings (label values)
	$e =~ s/\$\{?\w+\}?//g;                  # Grafana variables
	$e =~ s/\{[^}]*\}//g;                     # label matchers
	$e =~ s/\[[^\]]*\]//g;                    # ranges
	$e =~ s/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)//g;
	$e =~ s/label_values\(\s*([A-Za-z_:][\w:]*)\s*,[^)]*\)/$1/g;
	my @names;
	while ($e =~ /(?<![\w.])([A-Za-z_:][\w:]*)(\s*\()?/g) {
		next if defined $2 || $keywords{$1};   # functions, aggregations
		push @names, $1;
	}
	return @names;
}

my $bad = 0;
my $count = 0;
for my $e (@exprs) {
	for my $name (metric_names($e)) {
		$count++;
		next if $known{$name};
		print STDERR "$dashboard: $name is not a metric of the portcomply module (in: $e)\n";
		$bad = 1;
	}
}
die "$dashboard: no metric name found in its queries\n" unless $count;
exit $bad;
