#!/usr/bin/perl
# gen.pl - deterministic generator of realistic briefings for `make bench`.
#
#   gen.pl --count N --out DIR [--seed S] [--jsonl-share F]
#   gen.pl --mutate F --out DIR [--seed S]     rewrite a fraction F of DIR's .json files
#
# Sentences are recombined from the bundled corpus/ (so the vocabulary is
# real English with a natural, Zipf-like word distribution), plus a tail of
# rare invented words drawn with a Zipf law so that rare-word queries exist.
# Output: DIR/json/NNN/<id>.json (1000 per folder), DIR/lines/part-K.jsonl
# (a share of the briefings as JSON Lines), and DIR/baseline.csv (id,
# published, title, body: the same text, flattened, for the plain FTS5
# baseline). --mutate rewrites files through a temporary name and rename().
# Same seed, same corpus -> byte-identical output.
use strict;
use warnings;
use Getopt::Long;
use JSON::PP;
use File::Path qw(make_path);
use File::Find;
use FindBin;

my ($count, $out, $seed, $jsonl_share, $mutate) = (1000, undef, 42, 0.2, undef);
GetOptions('count=i' => \$count, 'out=s' => \$out, 'seed=i' => \$seed,
           'jsonl-share=f' => \$jsonl_share, 'mutate=f' => \$mutate)
    or die "usage: gen.pl --count N --out DIR [--seed S] [--jsonl-share F]\n";
die "gen.pl: --out is required\n" unless defined $out;

# A Park-Miller generator of our own: perl's rand() differs between builds,
# and its products stay below 2^53, so they are exact in perl's doubles.
my $state = ($seed % 2147483646) + 1;
sub rint { my $n = shift; $state = ($state * 48271) % 2147483647; return $state % $n; }
sub pick { my $arr = shift; return $arr->[rint(scalar @$arr)]; }

my $top = "$FindBin::Bin/../..";
my (@sentences, @titles, @speakers, @outlets, @cats, @headings);
my $json = JSON::PP->new->canonical(1);
find({ no_chdir => 1, wanted => sub {
    return unless /\.json$/;
    open my $fh, '<', $_ or return;
    local $/; my $t = <$fh>; close $fh;
    my $d = eval { $json->decode($t) } or return;
    push @titles, $d->{title};
    push @cats, $d->{category} if $d->{category};
    my @text = (@{ $d->{overview} || [] });
    for my $s (@{ $d->{analysis} || [] }) { push @text, $s->{body}; push @headings, $s->{heading} if $s->{heading}; }
    for my $a (@{ $d->{articles} || [] }) { push @text, $a->{body} if $a->{body}; push @outlets, $a->{outlet} if $a->{outlet}; push @titles, $a->{title}; }
    for my $q (@{ $d->{quotes} || [] }) { push @text, $q->{text}; push @speakers, [$q->{speaker} // 'Anonymous', $q->{role} // '', $q->{group} // 'analyst']; }
    for my $t (@text) { push @sentences, grep { length > 20 } split /(?<=[.!?])\s+/, $t; }
} }, "$top/corpus");
die "gen.pl: no sentences found under $top/corpus\n" unless @sentences;
@sentences = sort @sentences; @titles = sort @titles; @outlets = sort @outlets;
@headings = sort @headings; @cats = sort @cats;
@speakers = sort { $a->[0] cmp $b->[0] || $a->[1] cmp $b->[1] } @speakers;

# Rare words: 20,000 invented words, chosen with a Zipf law (rank r with weight 1/r).
my @syll = qw(ka lo mi nu ter vas gel pri dor fen qui zar bel tov run sel mar pek);
my @rare = map { my $w = ''; my $x = $_ + 7; for (1 .. 3 + $_ % 3) { $w .= $syll[$x % @syll]; $x = int($x / @syll) + $_ * 31; } $w } 1 .. 20000;
my @zipf_cdf; { my $s = 0; for my $r (1 .. @rare) { $s += 1 / $r; push @zipf_cdf, $s; } $_ /= $s for @zipf_cdf; }
sub rare_word {
    my $u = rint(1_000_000) / 1_000_000; my ($lo, $hi) = (0, $#zipf_cdf);
    while ($lo < $hi) { my $m = int(($lo + $hi) / 2); if ($zipf_cdf[$m] < $u) { $lo = $m + 1 } else { $hi = $m } }
    return $rare[$lo];
}
sub para { my ($n) = @_; my @s = map { pick(\@sentences) } 1 .. $n; $s[rint(scalar @s)] .= ' ' . rare_word() . '.' for 1 .. 1 + rint(2); return join ' ', @s; }
sub date_of { my ($i) = @_; my $day = 16800 + rint(3650); my @t = gmtime($day * 86400); return sprintf('%04d-%02d-%02d', $t[5] + 1900, $t[4] + 1, $t[3]); }

sub briefing {
    my ($i) = @_;
    my $d = { id => sprintf('bench-%07d', $i), title => pick(\@titles) . ' ' . rare_word(),
              category => pick(\@cats), published => date_of($i), lang => 'en', signals => rint(60) };
    $d->{overview} = [ map { para(1) } 1 .. 2 + rint(3) ];
    $d->{analysis} = [ map { { heading => pick(\@headings), body => para(3 + rint(6)) . "\n\n" . para(2 + rint(4)) } } 1 .. 1 + rint(4) ];
    $d->{articles} = [ map { { title => pick(\@titles), outlet => pick(\@outlets), url => "https://example.org/a/$i/$_", published => $d->{published}, body => para(1 + rint(2)) } } 1 .. 1 + rint(5) ];
    $d->{quotes} = [ map { my $s = pick(\@speakers); { text => para(1 + rint(2)), speaker => $s->[0], role => $s->[1], group => $s->[2] } } 1 .. 1 + rint(6) ];
    $d->{timeline} = [ map { { date => (2014 + $_) . '', event => para(1) } } 1 .. 1 + rint(4) ];
    $d->{players} = [ map { { name => pick(\@speakers)->[0], role => para(1) } } 1 .. 1 + rint(3) ];
    return $d;
}

sub flat {
    my ($d) = @_;
    my @t = (@{ $d->{overview} }, map({ ($_->{heading}, $_->{body}) } @{ $d->{analysis} }),
             map({ ($_->{title}, $_->{outlet}, $_->{body}) } @{ $d->{articles} }),
             map({ ($_->{text}, $_->{speaker}, $_->{role}) } @{ $d->{quotes} }),
             map({ ($_->{date}, $_->{event}) } @{ $d->{timeline} }),
             map({ ($_->{name}, $_->{role}) } @{ $d->{players} }));
    return join "\n", grep { defined && length } @t;
}
sub csv { my $s = shift; $s =~ s/"/""/g; return "\"$s\""; }
# Written to a temporary name and renamed, so a file hard-linked from the
# cache (run.sh works on `cp -al` copies) is replaced, never changed in place.
sub write_file { my ($p, $t) = @_; open my $fh, '>:raw', "$p.tmp" or die "gen.pl: '$p.tmp': $!\n"; print $fh $t; close $fh or die "gen.pl: '$p.tmp': $!\n"; rename "$p.tmp", $p or die "gen.pl: '$p': $!\n"; }

if (defined $mutate) {
    # Rewrite a fraction of the .json files: new analysis text, same id.
    my @files; find({ no_chdir => 1, wanted => sub { push @files, $_ if /\.json$/ } }, "$out/json");
    @files = sort @files; my $n = int(@files * $mutate + 0.5); my %done;
    while (keys %done < $n) {
        my $f = $files[rint(scalar @files)]; next if $done{$f}++;
        open my $fh, '<:raw', $f or die; local $/; my $d = $json->decode(<$fh>); close $fh;
        $d->{analysis}[0]{body} = para(4); write_file($f, $json->encode($d) . "\n");
    }
    print "mutated $n files\n";
    exit 0;
}

make_path("$out/json", "$out/lines");
open my $base, '>:raw', "$out/baseline.csv" or die "gen.pl: $!\n";
my $per_part = 5000; my ($lines_fh, $part) = (undef, -1);
my $n_lines = int($count * $jsonl_share);
for my $i (0 .. $count - 1) {
    my $d = briefing($i);
    my $text = $json->encode($d);
    if ($i < $n_lines) {
        if (int($i / $per_part) != $part) {
            close $lines_fh if $lines_fh; $part = int($i / $per_part);
            open $lines_fh, '>:raw', sprintf('%s/lines/part-%03d.jsonl', $out, $part) or die;
        }
        print $lines_fh $text, "\n";
    } else {
        my $dir = sprintf('%s/json/%03d', $out, int($i / 1000)); make_path($dir) unless -d $dir;
        write_file("$dir/$d->{id}.json", $text . "\n");
    }
    print $base join(',', csv($d->{id}), csv($d->{published}), csv($d->{title}), csv(flat($d))), "\n";
}
close $lines_fh if $lines_fh; close $base;
print "generated $count briefings in $out\n";
