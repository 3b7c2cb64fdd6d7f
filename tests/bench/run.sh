#!/bin/sh
# run.sh - `make bench`: our index against plain SQLite FTS5, figures only (never a pass/fail test).
#
#   make bench                              sizes 1000 20000 100000
#   make bench BENCH_SIZES="1000 20000"     chosen sizes
#   sh tests/bench/run.sh                   the same, after `make all`
#
# Environment (all optional): BENCH_SIZES, BENCH_SEED (42), BENCH_SKIP
# (any of query,cgi,incremental), BENCH_BUILD_RUNS (3 below 100k, 1 at
# 100k; or per size, "20000:1,100000:1"), BENCH_QUERY_REPEAT (20), BENCH_PROCESS_REPEAT (5),
# BENCH_CGI_SECONDS (5), BENCH_KEEP (keep the indexes in build/bench/),
# BENCH_BIN (the programs measured; bin/), BENCH_RESULTS (results folder).
# Generated briefings are cached in build/bench/data/n<SIZE>-s<SEED>/.
# Results: tests/bench/results/latest.json and latest.md.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$TOP/build/bench
mkdir -p "$OUT"
CC=${CC:-cc}
CFLAGS="-std=c11 -O2 -Wall -Wextra -Wpedantic"
for tool in sqlite3 perl wrk lighttpd; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "bench: '$tool' is missing (make deps-test installs it)" >&2
        exit 2
    fi
done
BENCH_BIN=${BENCH_BIN:-$TOP/bin}
for p in briefing-index briefing-query briefing.cgi; do
    if [ ! -x "$BENCH_BIN/$p" ]; then
        echo "bench: '$BENCH_BIN/$p' is not built (run make all)" >&2
        exit 2
    fi
done
$CC $CFLAGS -o "$OUT/runstat" "$TOP/tests/bench/runstat.c"
$CC $CFLAGS -o "$OUT/null.cgi" "$TOP/tests/bench/null_cgi.c"
$CC $CFLAGS -D_DEFAULT_SOURCE -o "$OUT/touch_pages" "$TOP/tests/bench/touch_pages.c"
$CC $CFLAGS -o "$OUT/fts5_baseline_query" "$TOP/tests/bench/fts5_baseline_query.c" -lsqlite3

BENCH_SIZES=${BENCH_SIZES:-1000 20000 100000}
export BENCH_SIZES
BENCH_TOP=$TOP BENCH_BIN=$BENCH_BIN BENCH_BUILD=$OUT \
    BENCH_RESULTS=${BENCH_RESULTS:-$TOP/tests/bench/results} \
    exec perl "$TOP/tests/bench/bench.pl"
