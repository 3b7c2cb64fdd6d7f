#!/bin/bash
# valgrind.sh - runs a representative set of briefing-index, briefing-query and briefing.cgi invocations under valgrind memcheck.
#
#   tests/valgrind.sh            (make check-valgrind; tests/e2e/t590-valgrind.t)
#
# Every invocation must exit with its usual status and valgrind must find
# no error and no definite or indirect leak (--error-exitcode=99). Prints
# TAP; exits non-zero when any invocation failed. BRIEF_BIN names the
# programs' folder (bin/ by default). VALGRIND_LOG keeps the logs there.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BRIEF_BIN:-$TOP/bin}
IDX=$BIN/briefing-index
QRY=$BIN/briefing-query
CGI=$BIN/briefing.cgi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/brief-vg.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
LOGS=${VALGRIND_LOG:-$TMP/logs}
mkdir -p "$LOGS"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "1..0 # SKIP valgrind is not installed"
    exit 0
fi
for p in "$IDX" "$QRY" "$CGI"; do
    [ -x "$p" ] || { echo "1..0 # SKIP $p is not built"; exit 0; }
done
if ldd "$IDX" | grep -q libasan; then
    echo "1..0 # SKIP $BIN holds ASan programs; valgrind needs plain ones"
    exit 0
fi

VG="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-fds=no --num-callers=30"
n=0
failed=0
# The query programs keep SQLite's and jansson's blocks on a heap of their
# own (include/brief_heap.h), where memcheck cannot see a leak: these runs
# give them malloc's, except the two marked "own heap", which check that
# heap itself for bad reads and writes.
export BRIEF_HEAP=system

# vg WANT DESCRIPTION PROGRAM ARGS...: runs PROGRAM under valgrind (stdin
# as given, stdout to $TMP/out) and expects exit WANT and a clean log.
vg() {
    want=$1 desc=$2
    shift 2
    n=$((n + 1))
    log=$LOGS/$n.log
    t0=$SECONDS
    $VG --log-file="$log" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq "$want" ] && [ ! -s "$log" ]; then
        echo "ok $n - $desc ($((SECONDS - t0))s)"
    else
        echo "not ok $n - $desc (exit $rc, wanted $want)"
        sed 's/^/#   /' "$log" | head -n 60
        head -n 5 "$TMP/err" | sed 's/^/#   stderr: /'
        failed=$((failed + 1))
    fi
}

# cgi WANT DESCRIPTION QUERY_STRING [METHOD [IF_NONE_MATCH]]: the CGI under valgrind.
cgi() {
    want=$1 desc=$2
    BRIEFING_DB=${CGI_DB:-$TMP/v.db} REQUEST_METHOD=${4:-GET} QUERY_STRING=$3 \
        HTTP_IF_NONE_MATCH=${5:-} vg "$want" "$desc" "$CGI" </dev/null
}

cd "$TMP" || exit 1
mkdir corpus
# a dozen of the bundled briefings (the whole corpus takes minutes under valgrind)
ls "$TOP"/corpus/*.json | head -n 12 | xargs -I{} cp {} corpus/
ls "$TOP"/corpus/*.jsonl >/dev/null 2>&1 && cp "$(ls "$TOP"/corpus/*.jsonl | head -n 1)" corpus/
ls "$TOP"/corpus/*.txt >/dev/null 2>&1 && cp "$(ls "$TOP"/corpus/*.txt | head -n 1)" corpus/
# a handful of bad files, so that rejection paths run too
mkdir corpus/bad
printf '{"title":"Bad \xff","published":"2026-01-01"}\n' > corpus/bad/utf.json
printf '{"title":"Nul \\u0000","published":"2026-01-01"}\n' > corpus/bad/nul.json
perl -e 'print "[" x 5000, "]" x 5000' > corpus/bad/deep.json
printf '{"id":"ok1","title":"Fine line","published":"2026-01-01"}\n{"id":"bad"\n' > corpus/bad/lines.jsonl
printf 'Title only\n' > corpus/bad/short.txt
printf '{"id":"dup\u001b[2J","title":"Dup","published":"2026-01-01"}\n' > corpus/bad/dup1.json
cp corpus/bad/dup1.json corpus/bad/dup2.json
mkfifo corpus/bad/fifo.json
ln -s /dev/zero corpus/bad/zero.json
ln -s loop2.json corpus/bad/loop1.json
ln -s loop1.json corpus/bad/loop2.json

# --- the indexer ---
vg 1 "index the corpus (with some bad files)" "$IDX" --db v.db --report report.json corpus
touch "$(ls corpus/*.json | sed -n 1p)"
rm -f "$(ls corpus/*.json | sed -n 2p)"
printf '{"title":"Fresh valgrind briefing","published":"2026-02-01","overview":["A new market summit."]}\n' \
    > corpus/fresh.json
vg 1 "an incremental run: one added, one touched, one removed" "$IDX" --db v.db -v corpus
vg 1 "a dry run" "$IDX" --db v.db --dry-run corpus
vg 0 "--check" "$IDX" --db v.db --check
vg 1 "--parse" "$IDX" --parse corpus/bad corpus/fresh.json
echo text > junk.db
vg 2 "an index file that is no index" "$IDX" --db junk.db corpus

# --- the query tool ---
vg 0 "text output: --facets --explain" "$QRY" --db v.db --facets --explain --color always market
vg 0 "text output: --passages" "$QRY" --db v.db --passages --max-passages 2 -k quote,analysis ai
vg 0 "a hostile query (invalid UTF-8, ESC, deep parentheses, prefixes)" \
    "$QRY" --db v.db -v "$(printf 'ai\xff\033[2J ')$(perl -e 'print "(" x 500, "act", ")" x 500, " a* b* c*" x 30')"
vg 2 "an index that is no index" "$QRY" --db junk.db market
BRIEF_HEAP=own vg 0 "own heap: --facets --explain" "$QRY" --db v.db --facets --explain market
{
    echo 'market'
    echo '{"q":"chips export","limit":3,"facets":true,"explain":true}'
    echo '{"q":"vaccine","passages":true,"max_passages":1}'
    echo '{"q":"ai","sort":"date","after":"2020","before":"2026-06","kind":"quote,analysis"}'
    echo '{"q":"\"export controls\" OR title:chip* -court (ai AND act)","all":true}'
    echo '{"q":"((( market NOT"}'
    echo '{"q":"vacine"}'
    echo '{"q":"market","offset":1000}'
    echo '{"q":"a\u0000b"}'
    echo 'not json {'
    echo '{"q":1}'
    echo ''
} > batch.in
vg 0 "--batch: options, operators, suggestions, bad lines" sh -c 'exec "$@" < batch.in' sh \
    "$QRY" --db v.db --batch

# --- the CGI ---
cgi 0 "CGI: a search page" "q=market+summit&kind=quote"
cgi 0 "CGI: JSON with filters and paging" "q=chips&format=json&after=2020&page=2&per_page=5"
cgi 0 "CGI: a bad parameter (400)" "q=a&page=banana"
cgi 0 "CGI: HEAD with If-None-Match" "q=ai" HEAD '"nothing-matches-this"'
cgi 0 "CGI: the stylesheet" "asset=css"
cgi 0 "CGI: a hostile query string" "q=%ff%00%1b%5b2J$(perl -e 'print "%28" x 300')&q=second&x=$(perl -e 'print "y" x 3000')"
BRIEF_HEAP=own cgi 0 "own heap: CGI JSON and a page" "q=market+summit&format=json&page=2&per_page=3"
CGI_DB=$TMP/junk.db cgi 0 "CGI: an index that is no index (503)" "q=ai"

echo "1..$n"
[ "$failed" -eq 0 ]
