#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# Holds agent/ to the layers agent/LAYERS declares:
#   - a file includes only its own layer's files and those of the layers its
#     layer may include;
#   - a header from outside agent/ (net-snmp, libconfuse, libmnl, netlink's)
#     and a generated one are included only where LAYERS allows them;
#   - only the collector names /proc's socket and process tables;
#   - the modules' includes have no cycle (a module is a .c file and its
#     .h: snmp/notify.c and snmp/notify.h are one);
#   - with --objects DIR (the build's agent/ objects), the core's objects
#     call nothing from outside agent/ but what LAYERS lists.
#
#   tools/check-layers.pl [--root DIR] [--objects DIR]
#
# Every violation is one line, FILE:LINE: what and why; exit 1 if any.
use strict;
use warnings;
use File::Find;

my $root = '.';
my $objects;
while (@ARGV) {
	my $a = shift @ARGV;
	if ($a eq '--root') { $root = shift @ARGV; }
	elsif ($a eq '--objects') { $objects = shift @ARGV; }
	else { die "usage: check-layers.pl [--root DIR] [--objects DIR]\n"; }
}
my $agent = "$root/agent";
my $rules = "$agent/LAYERS";

# --- the rules ---------------------------------------------------------
my (%may, @order, @owned, %core_calls, @proc_owners);
open(my $rf, '<', $rules) or die "check-layers: cannot read $rules: $!\n";
my $section = 'layers';
while (my $line = <$rf>) {
	$line =~ s/#.*//;
	next if $line =~ /^\s*$/;
	my @w = split ' ', $line;
	if ($w[0] eq 'header') { $section = 'headers'; next; }
	if ($w[0] eq 'proc') { @proc_owners = @w[1 .. $#w]; next; }
	if ($w[0] eq 'core' && ($w[1] // '') eq 'calls') { $core_calls{$_} = 1 for @w[2 .. $#w]; next; }
	if ($section eq 'layers') {
		my $layer = shift @w;
		push @order, $layer;
		$may{$layer} = { map { $_ => 1 } @w };
	} else {
		my $header = shift @w;
		push @owned, [$header, [@w]];
	}
}
close $rf;
my %layer_known = map { $_ => 1 } @order;
for my $l (@order) {
	for my $m (keys %{$may{$l}}) {
		die "check-layers: $rules: $l may include $m, which is no layer\n" unless $layer_known{$m};
	}
}

# --- the files ---------------------------------------------------------
my @files;
find({ no_chdir => 1, wanted => sub { push @files, $File::Find::name if /\.[ch]$/ } }, $agent);
@files = sort @files;

my @errors;
sub fail { push @errors, join('', @_); }

sub rel { my $p = shift; $p =~ s{^\Q$agent\E/}{}; return $p; }
sub layer_of { my $r = shift; return $r =~ m{^([^/]+)/} ? $1 : ''; }
sub module_of { my $r = shift; $r =~ s/\.[ch]$//; $r =~ s/_internal$//; return $r; }

# Whether rel path $r is among the owners (layers or files) given.
sub owned_by {
	my ($r, $owners) = @_;
	for my $o (@$owners) {
		return 1 if $o eq $r || $o eq layer_of($r);
	}
	return 0;
}

my %edges; # module -> { module -> "FILE:LINE" }
for my $f (@files) {
	my $r = rel($f);
	my $layer = layer_of($r);
	if ($layer eq '' || !$layer_known{$layer}) {
		fail("agent/$r:1: in no layer of agent/LAYERS (", join(', ', @order), ")");
		next;
	}
	open(my $fh, '<', $f) or die "check-layers: cannot read $f: $!\n";
	my $n = 0;
	my $in_comment = 0;
	while (my $line = <$fh>) {
		$n++;
		my $code = $line;
		# Comments say what code does not: leave them out of the checks.
		if ($in_comment) {
			if ($code =~ s{^.*?\*/}{}) { $in_comment = 0; } else { next; }
		}
		$code =~ s{/\*.*?\*/}{}g;
		$in_comment = 1 if $code =~ s{/\*.*$}{};
		$code =~ s{//.*$}{};
		if ($code =~ /^\s*#\s*include\s+"([^"]+)"/) {
			my $inc = $1;
			if (-f "$agent/$inc") {
				my $to = layer_of($inc);
				if ($to ne $layer && !$may{$layer}{$to}) {
					my @allowed = sort keys %{$may{$layer}};
					fail("agent/$r:$n: includes $inc: $layer/ may include ",
					     @allowed ? join(', ', map { "$_/" } @allowed) : 'nothing outside itself',
					     ", not $to/");
				}
				my ($from_m, $to_m) = (module_of($r), module_of($inc));
				$edges{$from_m}{$to_m} //= "agent/$r:$n" if $from_m ne $to_m;
				next;
			}
			my ($rule) = grep { $_->[0] eq $inc } @owned;
			if (!$rule) {
				fail("agent/$r:$n: includes \"$inc\", which is neither a file of agent/ ",
				     "(write its folder: \"core/engine.h\") nor a generated header LAYERS names");
			} elsif (!owned_by($r, $rule->[1])) {
				fail("agent/$r:$n: includes $inc, which only ", join(', ', @{$rule->[1]}), " may include");
			}
		} elsif ($code =~ /^\s*#\s*include\s+<([^>]+)>/) {
			my $inc = $1;
			for my $rule (@owned) {
				my $h = $rule->[0];
				my $hit = $h =~ m{/$} ? index($inc, $h) == 0 : $inc eq $h;
				if ($hit && !owned_by($r, $rule->[1])) {
					fail("agent/$r:$n: includes <$inc>, which only ", join(', ', @{$rule->[1]}), " may include");
				}
			}
		}
		# /proc itself, /proc/net..., a process's entry: the collector's.
		while ($code =~ /"(\/proc(?:\/(?:net|self\/fd|%)[^"]*)?)"/g) {
			fail("agent/$r:$n: names \"$1\": only ", join(', ', @proc_owners),
			     " reads the kernel's socket and process tables") unless owned_by($r, \@proc_owners);
		}
	}
	close $fh;
}

# --- cycles among modules (Tarjan's strongly connected components) -----
{
	my ($index, %idx, %low, %on, @stack) = (0);
	my @sccs;
	my $strong;
	$strong = sub {
		my $v = shift;
		$idx{$v} = $low{$v} = $index++;
		push @stack, $v;
		$on{$v} = 1;
		for my $w (sort keys %{$edges{$v} // {}}) {
			if (!exists $idx{$w}) {
				$strong->($w);
				$low{$v} = $low{$w} if $low{$w} < $low{$v};
			} elsif ($on{$w}) {
				$low{$v} = $idx{$w} if $idx{$w} < $low{$v};
			}
		}
		if ($low{$v} == $idx{$v}) {
			my @scc;
			my $w;
			do { $w = pop @stack; $on{$w} = 0; push @scc, $w; } while ($w ne $v);
			push @sccs, [sort @scc] if @scc > 1;
		}
	};
	my %all = map { $_ => 1 } (keys %edges, map { keys %$_ } values %edges);
	$strong->($_) for grep { !exists $idx{$_} } sort keys %all;
	for my $scc (@sccs) {
		my %in = map { $_ => 1 } @$scc;
		my @why;
		for my $v (@$scc) {
			for my $w (sort keys %{$edges{$v}}) {
				push @why, "$edges{$v}{$w} ($v -> $w)" if $in{$w};
			}
		}
		fail("include cycle among ", join(', ', @$scc), ": ", join('; ', @why));
	}
}

# --- what the core's objects call --------------------------------------
if (defined $objects) {
	my @objs = sort glob("$objects/core/*.o");
	fail("$objects/core: no objects to check (build first)") unless @objs;
	for my $o (@objs) {
		open(my $nm, '-|', 'nm', '-u', $o) or die "check-layers: nm $o: $!\n";
		while (my $line = <$nm>) {
			my ($sym) = $line =~ /\bU\s+(\S+)/ or next;
			next if $sym =~ /^pc_/; # the agent's own functions: the include rules cover them
			next if $core_calls{$sym};
			(my $src = $o) =~ s{^.*/core/}{agent/core/};
			$src =~ s/\.o$/.c/;
			fail("$src: calls $sym, which the pure core may not (LAYERS lists what it may)");
		}
		close $nm;
	}
}

if (@errors) {
	print STDERR "layers: $_\n" for @errors;
	printf STDERR "layers: %d violation%s of agent/LAYERS\n", scalar @errors, @errors == 1 ? '' : 's';
	exit 1;
}
printf "layers: %d files in %d layers, no forbidden include, no cycle%s\n", scalar @files,
	scalar @order, defined $objects ? ', a pure core' : '';
