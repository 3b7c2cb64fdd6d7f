#!/usr/bin/perl
# bench.pl - the driver of `make bench`: measures our index against plain FTS5, side by side.
#
# Run by tests/bench/run.sh, which builds the helpers into build/bench/ and
# sets BENCH_* in the environment (see run.sh). For each size it measures,
# in one run and interleaved with the baseline (sqlite3 + FTS5 'porter
# unicode61' over the same text), full builds, index sizes, incremental
# runs, query latency (in one process with --batch, and one process per
# query), and CGI throughput behind lighttpd with wrk. Figures are medians;
# each is printed with its ratio to the baseline and the target it is held
# to. It prints figures and never fails on time: the exit status is 0 unless
# a program failed to run.
use strict;
use warnings;
use JSON::PP;
use Time::HiRes qw(time sleep);
use IPC::Open2;
use IO::Socket::INET;
use File::Path qw(make_path remove_tree);
use POSIX qw(WNOHANG);

my $TOP = $ENV{BENCH_TOP} or die "bench.pl: run me through tests/bench/run.sh\n";
my $BIN = $ENV{BENCH_BIN} // "$TOP/bin";
my $OUT = $ENV{BENCH_BUILD} // "$TOP/build/bench";
my $RESULTS = $ENV{BENCH_RESULTS} // "$TOP/tests/bench/results";
my @SIZES = split ' ', ($ENV{BENCH_SIZES} // '1000 20000 100000');
my $SEED = $ENV{BENCH_SEED} // 42;
my %SKIP = map { $_ => 1 } split /[ ,]+/, ($ENV{BENCH_SKIP} // '');
my $RUNSTAT = "$OUT/runstat";
my $HELPERS = $OUT;
# Everything a run writes (copies of the data, indexes, server config,
# logs) goes to a folder of its own, so two runs never clobber each other;
# only the generated data is shared, in $OUT/data.
my $DATA = "$OUT/data";
$OUT = "$OUT/run-$$";
my $json = JSON::PP->new->canonical(1)->pretty;

# The query set: kind, our syntax, the plain FTS5 translation, and an
# optional lower date bound (the baseline filters its `published` column).
my @QUERIES = (
    ['rare',    'selquirungelnu',           'selquirungelnu',             ''],
    ['common',  'rules',                    'rules',                      ''],
    ['two',     'vaccine trial',            'vaccine trial',              ''],
    ['three',   'export controls chips',    'export controls chips',      ''],
    ['phrase',  '"export controls"',        '"export controls"',          ''],
    ['prefix',  'regulat*',                 'regulat*',                   ''],
    ['field',   'title:tax',                'title : tax',                ''],
    ['date',    'vaccine after:2022-01',    'vaccine',                    '2022-01-01'],
    ['many',    'the',                      'the',                        ''],
);

sub say { print @_, "\n"; }
sub note { print STDERR "bench: ", @_, "\n"; }

sub median {
    my @v = sort { $a <=> $b } grep { defined } @_;
    return undef unless @v;
    return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

sub pct {
    my ($p, @v) = @_;
    @v = sort { $a <=> $b } @v;
    return undef unless @v;
    my $i = int($p / 100 * @v + 0.999999) - 1;    # nearest-rank
    $i = 0 if $i < 0;
    $i = $#v if $i > $#v;
    return $v[$i];
}

sub round { my ($x, $d) = @_; return undef unless defined $x; return 0 + sprintf("%.${d}f", $x); }

# runstat(\%redirs, CMD...): runs CMD under build/bench/runstat; returns a hash
# of wall, user, sys, cpu, maxrss_kb, status.
sub runstat {
    my ($r, @cmd) = @_;
    my @red = map { ("-$_", $r->{$_}) } sort keys %$r;
    open my $fh, '-|', $RUNSTAT, @red, '--', @cmd or die "bench.pl: runstat: $!\n";
    my $line = <$fh>;
    close $fh;
    die "bench.pl: runstat gave nothing for @cmd\n" unless defined $line;
    my %h = $line =~ /(\w+)=([\d.]+)/g;
    $h{cpu} = $h{user} + $h{sys};
    return \%h;
}

sub file_size { my @s = stat shift; return @s ? $s[7] : 0; }

sub du_bytes {
    my ($dir) = @_;
    my $n = 0;
    open my $fh, '-|', 'find', $dir, '-type', 'f', '-printf', '%s\n' or return 0;
    $n += $_ while <$fh>;
    close $fh;
    return $n;
}

sub machine {
    my %m = (nproc => 0 + `nproc`);
    if (open my $fh, '<', '/proc/cpuinfo') {
        while (<$fh>) { if (/^model name\s*:\s*(.*)/) { $m{cpu} = $1; last } }
    }
    if (open my $fh, '<', '/proc/meminfo') {
        while (<$fh>) { if (/^MemTotal:\s*(\d+)/) { $m{mem_gib} = round($1 / 1048576, 1); last } }
    }
    chomp(my $sq = `sqlite3 --version 2>/dev/null`);
    $m{sqlite} = (split ' ', $sq)[0] // '?';
    chomp(my $load = `cat /proc/loadavg`);
    $m{loadavg_at_start} = (split ' ', $load)[0];
    return \%m;
}

# What a fresh 4 KiB page costs a process (touched, then given back at
# exit), in an ordinary mapping and in a huge page: medians of 40 runs of
# tests/bench/touch_pages.c with 400 pages, less its run with none, per
# page, in microseconds.
sub page_cost {
    my $tp = "$HELPERS/touch_pages";
    return {} unless -x $tp;
    my $none = median(@{ spawn_times(40, $tp, 0) });
    my $plain = median(@{ spawn_times(40, $tp, 400) });
    my $huge = median(@{ spawn_times(40, $tp, 400, 'huge') });
    return { page_us => round(($plain - $none) * 1000 / 400, 2),
             page_in_huge_us => round(($huge - $none) * 1000 / 400, 2),
             process_none_ms => round($none, 2) };
}

# ---- data

sub ensure_data {
    my ($n) = @_;
    my $dir = "$DATA/n$n-s$SEED";
    return $dir if -e "$dir/.done";
    my $tmp = "$dir.tmp-$$";
    remove_tree($tmp);
    note "generating $n briefings (seed $SEED) into $dir";
    system('perl', "$TOP/tests/bench/gen.pl", '--count', $n, '--seed', $SEED, '--out', $tmp) == 0
        or die "bench.pl: gen.pl failed\n";
    open my $fh, '>', "$tmp/.done" or die;
    close $fh;
    remove_tree($dir);
    rename $tmp, $dir or die "bench.pl: '$dir': $!\n";
    return $dir;
}

# A working copy of the data: hard links, so it costs nothing; gen.pl
# --mutate replaces files by rename, so the cache is never changed.
sub work_copy {
    my ($data, $n) = @_;
    my $w = "$OUT/work/n$n";
    remove_tree($w);
    make_path("$OUT/work");
    system('cp', '-al', $data, $w) == 0 or die "bench.pl: cp -al failed\n";
    return $w;
}

# ---- builds

sub baseline_build {
    my ($data, $db) = @_;
    unlink $db;
    my $sql = "$OUT/baseline-load.sql";
    open my $fh, '>', $sql or die;
    print $fh "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, published UNINDEXED, title, body,"
        . " tokenize='porter unicode61');\n.mode csv\n.import '$data/baseline.csv' fts\n";
    close $fh;
    my $r = runstat({ i => $sql, o => '/dev/null', e => "$OUT/baseline-load.err" }, 'sqlite3', $db);
    die "bench.pl: sqlite3 load failed: " . `cat $OUT/baseline-load.err` if $r->{status} != 0;
    return $r;
}

sub our_build {
    my ($roots, $db, @extra) = @_;
    my $r = runstat({ o => '/dev/null', e => "$OUT/index.err" }, "$BIN/briefing-index", '--db', $db,
                    @extra, @$roots);
    die "bench.pl: briefing-index failed ($r->{status}): " . `cat $OUT/index.err` if $r->{status} > 1;
    chomp(my $msg = `tail -1 $OUT/index.err`);
    $r->{summary} = $msg;
    return $r;
}

sub summarize_runs {
    my (@runs) = @_;
    my %s;
    for my $k (qw(wall cpu user sys maxrss_kb)) { $s{$k} = median(map { $_->{$k} } @runs); }
    $s{runs} = scalar @runs;
    $s{wall_all} = [map { round($_->{wall}, 3) } @runs];
    return \%s;
}

# ---- queries

sub baseline_query_file {
    my $f = "$OUT/queries-fts5.tsv";
    open my $fh, '>', $f or die;
    print $fh join("\t", $_->[0], $_->[2], $_->[3]), "\n" for @QUERIES;
    close $fh;
    return $f;
}

# In process, baseline: per kind, a list of times in ms, and the match count.
sub baseline_inproc {
    my ($db, $repeat) = @_;
    my $f = baseline_query_file();
    my %r;
    open my $fh, '-|', "$HELPERS/fts5_baseline_query", $db, $f, $repeat or die;
    while (<$fh>) {
        chomp;
        my ($kind, $matches, $times) = split /\t/;
        $r{$kind} = { matches => 0 + $matches, ms => [map { $_ / 1000 } split /,/, $times] };
    }
    close $fh;
    return \%r;
}

sub our_line {
    my ($q) = @_;
    my %o = (q => $q->[1]);
    return JSON::PP->new->canonical(1)->encode(\%o);
}

# In process, ours: one briefing-query --batch, each line timed from write to answer.
sub our_batch {
    my ($db, $repeat) = @_;
    my ($rd, $wr);
    my $pid = open2($rd, $wr, "$BIN/briefing-query", '--db', $db, '--batch');
    my %r;
    for my $q (@QUERIES) {
        my $line = our_line($q);
        print $wr $line, "\n";
        $wr->flush;
        my $ans = <$rd>;
        my $a = eval { decode_json($ans) } // {};
        die "bench.pl: batch query '$q->[1]' failed: $ans" if $a->{error};
        $r{ $q->[0] } = { matches => $a->{total}, ms => [], took_ms => [] };
        for (1 .. $repeat) {
            my $t0 = time;
            print $wr $line, "\n";
            $wr->flush;
            $ans = <$rd>;
            push @{ $r{ $q->[0] }{ms} }, (time - $t0) * 1000;
            my $aa = eval { decode_json($ans) } // {};
            push @{ $r{ $q->[0] }{took_ms} }, $aa->{took_ms} if defined $aa->{took_ms};
        }
    }
    close $wr;
    close $rd;
    waitpid $pid, 0;
    return \%r;
}

# One process per query: wall time of each run, ms.
sub spawn_times {
    my ($repeat, @cmd) = @_;
    my @t;
    for (1 .. $repeat) {
        my $r = runstat({ o => '/dev/null', e => '/dev/null' }, @cmd);
        push @t, $r->{wall} * 1000;
    }
    return \@t;
}

# ---- CGI

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1, ReuseAddr => 1)
        or die "bench.pl: no free port: $!\n";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub uri_escape {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

sub http_ok {
    my ($port, $path) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 2) or return 0;
    print $s "GET $path HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    my $l = <$s> // '';
    close $s;
    return $l =~ m{^HTTP/1\.\d 200};
}

sub cgi_bench {
    my ($db, $secs) = @_;
    my $www = "$OUT/www";
    make_path($www);
    my $port = free_port();
    my $conf = "$OUT/lighttpd.conf";
    open my $fh, '>', $conf or die;
    print $fh <<CONF;
var.briefing_cgi = "$BIN/briefing.cgi"
var.briefing_db = "$db"
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$www"
server.errorlog = "$OUT/lighttpd-error.log"
include "$TOP/contrib/web/lighttpd-briefing.conf"
alias.url += ("/null" => "$HELPERS/null.cgi")
\$HTTP["url"] =~ "^/null" {
    cgi.assign = ("" => "")
}
CONF
    close $fh;
    my $pid = fork // die;
    if ($pid == 0) {
        open STDOUT, '>', "$OUT/lighttpd.out";
        open STDERR, '>&', \*STDOUT;
        exec 'lighttpd', '-D', '-f', $conf or exit 127;
    }
    my $up = 0;
    for (1 .. 100) {
        if (http_ok($port, '/null')) { $up = 1; last }
        last if waitpid($pid, WNOHANG) == $pid;
        sleep 0.1;
    }
    my %r;
    if (!$up) {
        note "lighttpd did not start: " . `cat $OUT/lighttpd.out $OUT/lighttpd-error.log 2>/dev/null`;
        kill 'TERM', $pid;
        waitpid $pid, 0;
        return undef;
    }
    my @paths = map { '/search?q=' . uri_escape($_->[1]) } @QUERIES;
    for my $c (1, 4) {
        for my $what (['ours', @paths], ['null', '/null']) {
            my ($name, @p) = @$what;
            my $t = $c > 1 ? 2 : 1;
            my $out = `wrk -t$t -c$c -d${secs}s --timeout 30s -s $TOP/tests/bench/wrk.lua http://127.0.0.1:$port -- @p 2>&1`;
            my %h = $out =~ /(\w+)=(\d+)/g;
            if (!defined $h{requests}) {
                note "wrk failed: $out";
                next;
            }
            $r{$name}{"c$c"} = {
                rps => round($h{requests} / ($h{duration_us} / 1e6), 1),
                p50_ms => round($h{p50_us} / 1000, 2),
                p95_ms => round($h{p95_us} / 1000, 2),
                requests => 0 + $h{requests},
                errors => 0 + $h{errors},
            };
        }
    }
    kill 'TERM', $pid;
    waitpid $pid, 0;
    return \%r;
}

# Runs of each build: BENCH_BUILD_RUNS is a number for every size, or
# SIZE:N pairs ("20000:1,100000:1"); by default 3 below 100k, 1 from 100k.
sub build_runs {
    my ($n) = @_;
    my $r = $ENV{BENCH_BUILD_RUNS} // '';
    return $1 if $r =~ /^\s*(\d+)\s*$/;
    my %per = $r =~ /(\d+):(\d+)/g;
    return $per{$n} // ($n >= 100000 ? 1 : 3);
}

# ---- one size

sub bench_size {
    my ($n) = @_;
    my %R = (briefings => 0 + $n);
    my $data = ensure_data($n);
    my $work = work_copy($data, $n);
    my @roots = ("$work/json", "$work/lines");
    my $db = "$OUT/ours-n$n.db";
    my $bdb = "$OUT/baseline-n$n.db";
    my $input = du_bytes("$data/json") + du_bytes("$data/lines");
    $R{input_bytes} = $input;
    $R{baseline_csv_bytes} = file_size("$data/baseline.csv");
    my $reps = build_runs($n);

    # Full builds, alternating baseline and ours.
    my (@b, @o);
    for my $i (1 .. $reps) {
        note "n=$n: full build $i/$reps (baseline, ours)";
        push @b, baseline_build($data, $bdb);
        unlink $db, "$db.lock";
        push @o, our_build(\@roots, $db);
    }
    $R{build}{baseline} = summarize_runs(@b);
    $R{build}{ours} = summarize_runs(@o);
    $R{build}{ours}{summary} = $o[-1]{summary};
    for my $w (qw(baseline ours)) {
        my $s = $R{build}{$w};
        $s->{briefings_per_s_wall} = round($n / $s->{wall}, 1);
        $s->{briefings_per_s_cpu} = round($n / $s->{cpu}, 1);
        $s->{mb_per_s_wall} = round($input / 1e6 / $s->{wall}, 2);
        $s->{mb_per_s_cpu} = round($input / 1e6 / $s->{cpu}, 2);
    }
    $R{size}{baseline_bytes} = file_size($bdb);
    $R{size}{ours_bytes} = file_size($db);

    # Queries, in one process.
    my $qrep = $ENV{BENCH_QUERY_REPEAT} // 20;
    unless ($SKIP{query}) {
        note "n=$n: queries in process ($qrep runs each)";
        my $bq = baseline_inproc($bdb, $qrep);
        my $oq = our_batch($db, $qrep);
        my (@ball, @oall);
        for my $q (@QUERIES) {
            my $k = $q->[0];
            my ($bb, $oo) = ($bq->{$k}, $oq->{$k});
            next unless $bb && $oo;
            push @ball, @{ $bb->{ms} };
            push @oall, @{ $oo->{ms} };
            $R{query_inproc}{$k} = {
                query => $q->[1], fts5 => $q->[2],
                ours_matches => $oo->{matches}, baseline_matches => $bb->{matches},
                ours_p50_ms => round(pct(50, @{ $oo->{ms} }), 3),
                ours_p95_ms => round(pct(95, @{ $oo->{ms} }), 3),
                ours_took_p50_ms => round(pct(50, @{ $oo->{took_ms} }), 3),
                baseline_p50_ms => round(pct(50, @{ $bb->{ms} }), 3),
                baseline_p95_ms => round(pct(95, @{ $bb->{ms} }), 3),
            };
        }
        $R{query_inproc}{all} = {
            ours_p50_ms => round(pct(50, @oall), 3), ours_p95_ms => round(pct(95, @oall), 3),
            baseline_p50_ms => round(pct(50, @ball), 3), baseline_p95_ms => round(pct(95, @ball), 3),
        };

        # One process per query.
        my $prep = $ENV{BENCH_PROCESS_REPEAT} // 5;
        note "n=$n: one process per query ($prep runs each)";
        my (@oall2, @ball2);
        my $true = spawn_times($prep * 2, '/bin/true');
        for my $q (@QUERIES) {
            my $ot = spawn_times($prep, "$BIN/briefing-query", '--db', $db, '--', $q->[1]);
            my $sql = "SELECT id, title FROM fts WHERE fts MATCH '" . ($q->[2] =~ s/'/''/gr) . "'"
                . ($q->[3] ? " AND published >= '$q->[3]'" : '') . " ORDER BY rank LIMIT 10";
            my $bt = spawn_times($prep, 'sqlite3', '-readonly', $bdb, $sql);
            push @oall2, @$ot;
            push @ball2, @$bt;
            $R{query_process}{ $q->[0] } = { ours_p50_ms => round(pct(50, @$ot), 2),
                ours_p95_ms => round(pct(95, @$ot), 2), baseline_p50_ms => round(pct(50, @$bt), 2),
                baseline_p95_ms => round(pct(95, @$bt), 2) };
        }
        $R{query_process}{all} = {
            ours_p50_ms => round(pct(50, @oall2), 2), ours_p95_ms => round(pct(95, @oall2), 2),
            baseline_p50_ms => round(pct(50, @ball2), 2), baseline_p95_ms => round(pct(95, @ball2), 2),
            true_p50_ms => round(pct(50, @$true), 2), true_p95_ms => round(pct(95, @$true), 2),
        };
    }

    # CGI behind lighttpd.
    unless ($SKIP{cgi}) {
        my $secs = $ENV{BENCH_CGI_SECONDS} // 5;
        note "n=$n: CGI behind lighttpd, wrk ${secs}s at c=1 and c=4";
        $R{cgi} = cgi_bench($db, $secs);
    }

    # Incremental runs: nothing changed, then 1% of the files changed.
    unless ($SKIP{incremental}) {
        my (@nc, @m);
        for my $i (1 .. $reps) {
            note "n=$n: incremental run $i/$reps (no change, 1% changed)";
            push @nc, our_build(\@roots, $db);
            system('perl', "$TOP/tests/bench/gen.pl", '--mutate', '0.01', '--seed', 1000 + $i,
                   '--out', $work) == 0 or die "bench.pl: gen.pl --mutate failed\n";
            push @m, our_build(\@roots, $db);
            $m[-1]{summary} =~ /updated (\d+)/ and $m[-1]{updated} = $1;
        }
        $R{incremental}{unchanged} = summarize_runs(@nc);
        $R{incremental}{unchanged}{summary} = $nc[-1]{summary};
        $R{incremental}{changed_1pct} = summarize_runs(@m);
        $R{incremental}{changed_1pct}{summary} = $m[-1]{summary};
        $R{size}{ours_after_reindex_bytes} = file_size($db);
    }
    return \%R;
}

# ---- targets and output

sub ratio { my ($a, $b) = @_; return (defined $a && defined $b && $b > 0) ? $a / $b : undef; }

# Every figure with its target: [label, ours, baseline, ratio, target text, met (1/0/undef)].
sub rows_for {
    my ($n, $R) = @_;
    my @rows;
    my $b = $R->{build};
    my $bl = $R->{build}{baseline};
    my $big = $n >= 20000;
    my $thr = ratio($bl->{cpu}, $b->{ours}{cpu});
    push @rows, ['full build, briefings/s (CPU)', $b->{ours}{briefings_per_s_cpu},
                 $bl->{briefings_per_s_cpu}, $thr, '>= 0.8x', $big ? ($thr >= 0.8 ? 1 : 0) : undef];
    my $thrw = ratio($bl->{wall}, $b->{ours}{wall});
    push @rows, ['full build, briefings/s (wall)', $b->{ours}{briefings_per_s_wall},
                 $bl->{briefings_per_s_wall}, $thrw, '>= 0.8x', $big ? ($thrw >= 0.8 ? 1 : 0) : undef];
    push @rows, ['full build, MB/s of input (wall)', $b->{ours}{mb_per_s_wall}, $bl->{mb_per_s_wall},
                 ratio($b->{ours}{mb_per_s_wall}, $bl->{mb_per_s_wall}), '', undef];
    push @rows, ['full build, wall s', $b->{ours}{wall}, $bl->{wall}, ratio($b->{ours}{wall}, $bl->{wall}), '', undef];
    push @rows, ['full build, CPU s', $b->{ours}{cpu}, $bl->{cpu}, ratio($b->{ours}{cpu}, $bl->{cpu}), '', undef];
    my $rss = $b->{ours}{maxrss_kb} / 1024;
    push @rows, ['indexer peak RSS, MB', $rss, $bl->{maxrss_kb} / 1024, ratio($rss, $bl->{maxrss_kb} / 1024),
                 '<= 64 MB at 100k', $n >= 100000 ? ($rss <= 64 ? 1 : 0) : undef];
    my $s = $R->{size};
    my $sr = ratio($s->{ours_bytes}, $s->{baseline_bytes});
    push @rows, ['index size, MB', $s->{ours_bytes} / 1e6, $s->{baseline_bytes} / 1e6, $sr, '<= 1.3x',
                 $sr <= 1.3 ? 1 : 0];
    if (defined $s->{ours_after_reindex_bytes}) {
        my $sr2 = ratio($s->{ours_after_reindex_bytes}, $s->{baseline_bytes});
        push @rows, ['index size after reindex cycle, MB', $s->{ours_after_reindex_bytes} / 1e6,
                     $s->{baseline_bytes} / 1e6, $sr2, '<= 1.3x', $sr2 <= 1.3 ? 1 : 0];
    }
    push @rows, ['input size, MB (JSON files)', $R->{input_bytes} / 1e6, $R->{baseline_csv_bytes} / 1e6,
                 ratio($s->{ours_bytes}, $R->{input_bytes}), 'ratio: index / input', undef];
    if (my $inc = $R->{incremental}) {
        my $full = $b->{ours}{wall};
        my $r1 = ratio($inc->{unchanged}{wall}, $full);
        push @rows, ['rescan, nothing changed, wall s', $inc->{unchanged}{wall}, undef, $r1,
                     '<= 5% of full build (20k)', $n == 20000 ? ($r1 <= 0.05 ? 1 : 0) : undef];
        my $r2 = ratio($inc->{changed_1pct}{wall}, $full);
        push @rows, ['reindex, 1% changed, wall s', $inc->{changed_1pct}{wall}, undef, $r2,
                     '<= 10% of full build (20k)', $n == 20000 ? ($r2 <= 0.10 ? 1 : 0) : undef];
    }
    if (my $q = $R->{query_inproc}) {
        for my $k ((map { $_->[0] } @QUERIES), 'all') {
            my $e = $q->{$k} or next;
            my $r50 = ratio($e->{ours_p50_ms}, $e->{baseline_p50_ms});
            my $r95 = ratio($e->{ours_p95_ms}, $e->{baseline_p95_ms});
            my $m = $k eq 'all' ? " (matches: all kinds)" : " ($e->{ours_matches} / $e->{baseline_matches} matches)";
            push @rows, ["--batch p50 ms, $k$m", $e->{ours_p50_ms}, $e->{baseline_p50_ms}, $r50,
                         $k eq 'all' ? '<= 1x' : '', $k eq 'all' ? ($r50 <= 1 ? 1 : 0) : undef];
            push @rows, ["--batch p95 ms, $k", $e->{ours_p95_ms}, $e->{baseline_p95_ms}, $r95,
                         $k eq 'all' ? '<= 0.25x at 100k' : '',
                         ($k eq 'all' && $n >= 100000) ? ($r95 <= 0.25 ? 1 : 0) : undef];
        }
    }
    if (my $p = $R->{query_process}{all}) {
        push @rows, ['one process per query p50 ms', $p->{ours_p50_ms}, $p->{baseline_p50_ms},
                     ratio($p->{ours_p50_ms}, $p->{baseline_p50_ms}), '', undef];
        push @rows, ['one process per query p95 ms', $p->{ours_p95_ms}, $p->{baseline_p95_ms},
                     ratio($p->{ours_p95_ms}, $p->{baseline_p95_ms}), '<= 10 ms at 100k',
                     $n >= 100000 ? ($p->{ours_p95_ms} <= 10 ? 1 : 0) : undef];
        push @rows, ['/bin/true p50 / p95 ms (process floor)', $p->{true_p50_ms}, $p->{true_p95_ms}, undef, '', undef];
        # The issue's 10 ms came with "a process that does nothing costs
        # about 2.5 ms here": 4x that floor, the figure that carries over to
        # a machine whose floor is another.
        my $mult = ratio($p->{ours_p95_ms}, $p->{true_p95_ms});
        push @rows, ['one process per query p95, multiple of /bin/true p95', $mult,
                     undef, undef, '<= 4x (10 ms / 2.5 ms) at 100k',
                     ($n >= 100000 && defined $mult) ? ($mult <= 4 ? 1 : 0) : undef];
    }
    if (my $c = $R->{cgi}) {
        for my $cc (qw(c1 c4)) {
            my ($o, $z) = ($c->{ours}{$cc}, $c->{null}{$cc});
            next unless $o && $z;
            my $r = ratio($o->{rps}, $z->{rps});
            push @rows, ["CGI requests/s at $cc (vs null CGI)", $o->{rps}, $z->{rps}, $r,
                         $cc eq 'c4' ? '>= 0.4x' : '', $cc eq 'c4' ? ($r >= 0.4 ? 1 : 0) : undef];
            push @rows, ["CGI p95 ms at $cc (vs null CGI)", $o->{p95_ms}, $z->{p95_ms},
                         ratio($o->{p95_ms}, $z->{p95_ms}), '', undef];
            push @rows, ["CGI errors at $cc (ours / null)", $o->{errors}, $z->{errors}, undef, '', undef]
                if $o->{errors} || $z->{errors};
        }
    }
    return \@rows;
}

sub fmt {
    my ($x) = @_;
    return '' unless defined $x;
    return $x unless $x =~ /^-?[\d.]+(e[-+]?\d+)?$/;
    return sprintf('%.0f', $x) if abs($x) >= 1000;
    return sprintf('%.1f', $x) if abs($x) >= 100;
    return sprintf('%.2f', $x) if abs($x) >= 1;
    return sprintf('%.3f', $x);
}

sub markdown {
    my ($res) = @_;
    my $m = $res->{machine};
    my $md = "Measured $res->{date} on $m->{nproc} cores ($m->{cpu}), $m->{mem_gib} GiB, SQLite $m->{sqlite}; "
        . "load average $m->{loadavg_at_start} at the start (the machine is shared: ratios measured side by side "
        . "are what count). Baseline: sqlite3 with FTS5 `porter unicode61`, the same text, bm25 ORDER BY rank LIMIT 10. "
        . "Build figures are medians of $res->{build_runs_note}."
        . (defined $m->{page_us}
               ? " A fresh 4 KiB page costs a process $m->{page_us} us here ($m->{page_in_huge_us} us inside one huge page; "
                 . "tests/bench/touch_pages.c, 400 pages against none)."
               : '')
        . "\n";
    for my $n (@{ $res->{sizes} }) {
        my $rows = $res->{rows}{$n} or next;
        $md .= "\n### $n briefings\n\n| figure | ours | baseline | ratio | target | met |\n| --- | ---: | ---: | ---: | --- | --- |\n";
        for my $r (@$rows) {
            my ($label, $o, $b, $ratio, $t, $met) = @$r;
            $md .= sprintf("| %s | %s | %s | %s | %s | %s |\n", $label, fmt($o), fmt($b),
                           defined $ratio ? fmt($ratio) . 'x' : '', $t, !defined $met ? '' : $met ? 'met' : '**missed**');
        }
    }
    return $md;
}

my %res = (version => 1, machine => { %{ machine() }, %{ page_cost() } }, seed => 0 + $SEED, sizes => [map { 0 + $_ } @SIZES],
           date => scalar(gmtime) . ' UTC',
           build_runs_note => join(', ', map { build_runs($_) . " run(s) at $_" } @SIZES),
           queries => [map { { kind => $_->[0], ours => $_->[1], fts5 => $_->[2], after => $_->[3] } } @QUERIES]);
make_path($OUT, $RESULTS);
$SIG{INT} = $SIG{TERM} = sub { remove_tree($OUT) unless $ENV{BENCH_KEEP}; exit 130 };
for my $n (@SIZES) {
    my $t0 = time;
    $res{results}{$n} = bench_size($n);
    $res{results}{$n}{bench_seconds} = round(time - $t0, 1);
    $res{rows}{$n} = rows_for($n, $res{results}{$n});
    # written after every size, so a long run leaves its figures as it goes
    open my $fh, '>', "$RESULTS/latest.json" or die;
    print $fh $json->encode(\%res);
    close $fh;
    open $fh, '>', "$RESULTS/latest.md" or die;
    print $fh markdown(\%res);
    close $fh;
    print "\n", markdown({ %res, sizes => [$n] });
}
remove_tree($OUT) unless $ENV{BENCH_KEEP};
my @all = map { @{ $res{rows}{$_} } } @SIZES;
my $met = grep { defined $_->[5] && $_->[5] } @all;
my $missed = grep { defined $_->[5] && !$_->[5] } @all;
say "\nbench: targets met $met, missed $missed; results in $RESULTS/latest.json and latest.md";
