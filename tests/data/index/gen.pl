#!/usr/bin/perl
# gen.pl - writes N synthetic briefings for the indexer's end-to-end tests.
#
#   gen.pl --out DIR --count N [--from K] [--seed S] [--tag WORD] [--jsonl]
#
# Briefing i (K <= i < K+N) is DIR/NN/gen-i.json (100 per folder), or, with
# --jsonl, line i of DIR/gen-K.jsonl. Every briefing contains the word
# "genmarker" once, and WORD (default "alphatag") once, so a test can count
# the briefings of a corpus with one query. The text is a few kilobytes of
# words drawn from a fixed list; the same arguments give the same bytes.
use strict;
use warnings;
use Getopt::Long;

my ($out, $count, $from, $seed, $tag, $jsonl) = (undef, 100, 0, 7, 'alphatag', 0);
GetOptions('out=s' => \$out, 'count=i' => \$count, 'from=i' => \$from, 'seed=i' => \$seed,
           'tag=s' => \$tag, 'jsonl' => \$jsonl) or die "gen.pl: bad options\n";
die "gen.pl: --out is required\n" unless defined $out;

my @words = qw(market policy export control chip vaccine regulator court ruling treaty
    summit climate emission tariff senate budget inflation network model training data
    privacy antitrust merger filing lawsuit appeal agency minister election coalition
    reactor grid battery solar wind pipeline shipping port strike union wage pension
    archive museum theatre festival league transfer stadium coach season record);
my $state = $seed * 7919 + 1;
sub rnd { my $n = shift; $state = ($state * 48271) % 2147483647; return $state % $n; }
sub sentence {
    my $n = 8 + rnd(10);
    my $s = join ' ', map { $words[rnd(scalar @words)] } 1 .. $n;
    return ucfirst($s) . '.';
}
sub para { return join ' ', map { sentence() } 1 .. (3 + rnd(4)); }
sub js { my $s = shift; $s =~ s/(["\\])/\\$1/g; $s =~ s/\n/\\n/g; return "\"$s\""; }

mkdir $out;
my $fh;
if ($jsonl) {
    open $fh, '>', "$out/gen-$from.jsonl" or die "gen.pl: $out: $!\n";
}
for my $i ($from .. $from + $count - 1) {
    my $day = 1 + $i % 28;
    my @ov = map { js(sentence()) } 1 .. 4;
    my @an = map { '{"heading":' . js(sentence()) . ',"body":' . js(para() . "\n\n" . para()) . '}' } 1 .. 3;
    my @qu = ('{"text":' . js(sentence() . " $tag") . ',"speaker":"Analyst ' . rnd(50)
              . '","group":"analyst"}');
    my $doc = '{"id":"gen-' . $i . '","title":' . js("Generated briefing $i genmarker")
        . ',"category":"GEN","published":"2025-03-' . sprintf('%02d', $day) . '"'
        . ',"overview":[' . join(',', @ov) . '],"analysis":[' . join(',', @an) . ']'
        . ',"quotes":[' . join(',', @qu) . ']}';
    if ($jsonl) {
        print $fh "$doc\n";
    } else {
        my $dir = sprintf('%s/%02d', $out, int($i / 100));
        mkdir $dir;
        open my $f, '>', "$dir/gen-$i.json" or die "gen.pl: $dir: $!\n";
        print $f "$doc\n";
        close $f;
    }
}
close $fh if $jsonl;
