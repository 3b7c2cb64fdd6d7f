#!/bin/bash
# t510-hostile-big.t - 200 MB briefings, made at test time, are refused over the size cap without loading them.
#
# The cap is BRIEF_SOURCE_MAX_BYTES (include/brief_indexer.h, 32 MiB): a
# bigger file, or .jsonl line, is rejected with "file too large (N bytes,
# limit M)" after being hashed in 64 KiB chunks. Peak memory is measured
# with /usr/bin/time -v when it is installed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
QRY=$BIN/briefing-query
[ -x "$QRY" ] || skip_all "$QRY is not built"
cd "$TMP" || exit 1
LIMIT=$((32 * 1024 * 1024))
BIG=$((200 * 1024 * 1024))

$GEN --out corpus --count 20 >/dev/null
"$IDX" --db db corpus 2>/dev/null; is "$?" 0 "the good corpus is indexed"
answer() { "$QRY" --db db --now 2026-01-01 -n 5 --json treaty summit 2>&1 | jq -c 'del(.took_ms)'; }
BASE=$(answer)

# Under ASan the process maps shadow memory: RSS figures mean nothing there.
TIMEV=
if [ -x /usr/bin/time ] && ! ldd "$IDX" 2>/dev/null | grep -q libasan; then
    TIMEV=/usr/bin/time
fi

# index_big: runs the indexer over corpus/; sets rc, err and rss (KiB, or "" unmeasured).
index_big() {
    start=$(date +%s)
    if [ -n "$TIMEV" ]; then
        $TIMEV -v -o time.out "$IDX" --db db corpus 2>err; rc=$?
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' time.out)
    else
        "$IDX" --db db corpus 2>err; rc=$?
        rss=
    fi
    secs=$(($(date +%s) - start))
    err=$(cat err)
}

# rss_below KIB DESCRIPTION
rss_below() {
    if [ -z "$rss" ]; then
        ok 0 "# SKIP no /usr/bin/time (or an ASan build): $2"
    else
        [ "$rss" -lt "$1" ]; ok $? "$2 (peak RSS $rss KiB)"
    fi
}

# after_case NAME
after_case() {
    rm -rf corpus/h
    "$IDX" --db db corpus 2>/dev/null
    is "$(answer)" "$BASE" "$1: the last good index answers the known query as before"
}

# --- a valid JSON briefing with one 200 MB body ---
mkdir corpus/h
{
    printf '{"title":"Huge","published":"2026-01-01","analysis":[{"heading":"All","body":"'
    yes 'alpha beta gamma delta' | head -c $BIG | tr '\n' ' '
    printf '"}]}\n'
} > corpus/h/huge.json
size=$(stat -c %s corpus/h/huge.json)
index_big
is "$rc" 1 "a 200 MB briefing: exit 1"
is "$(grep -v '^briefing-index: added' err)" \
   "briefing-index: 'corpus/h/huge.json': file too large ($size bytes, limit $LIMIT)" \
   "a 200 MB briefing: rejected with its size and the limit"
rss_below 65536 "a 200 MB briefing is not loaded into memory"
[ "$secs" -lt 30 ]; ok $? "a 200 MB briefing is refused in under 30 s (${secs}s)"
after_case "a 200 MB briefing"

# --- 200 MB of garbage as a text export ---
mkdir corpus/h
head -c $BIG /dev/urandom > corpus/h/garbage.txt
index_big
is "$rc" 1 "200 MB of garbage: exit 1"
is "$(grep -v '^briefing-index: added' err)" \
   "briefing-index: 'corpus/h/garbage.txt': file too large ($BIG bytes, limit $LIMIT)" \
   "200 MB of garbage: rejected with its size and the limit"
rss_below 65536 "200 MB of garbage is not loaded into memory"
after_case "200 MB of garbage"

# --- one byte over the limit ---
mkdir corpus/h
head='{"title":"Edge","published":"2026-01-01","overview":["'
tail='"]}'
{
    printf '%s' "$head"
    yes 'edge' | head -c $((LIMIT + 1 - ${#head} - ${#tail})) | tr '\n' ' '
    printf '%s' "$tail"
} > corpus/h/edge.json
# and a .jsonl line one byte over, ended by CR LF (cut while read: its length is still exact)
head='{"id":"edge","title":"Edge","published":"2026-01-01","overview":["'
{
    printf '%s' "$head"
    yes 'edge' | head -c $((LIMIT + 1 - ${#head} - ${#tail})) | tr '\n' ' '
    printf '%s\r\n' "$tail"
    printf '{"id":"edge-after","title":"After","published":"2026-01-01"}\r\n'
} > corpus/h/edge.jsonl
is "$(stat -c %s corpus/h/edge.json)" $((LIMIT + 1)) "the edge file is one byte over the limit"
index_big
is "$(grep -v '^briefing-index: added' err)" \
   "briefing-index: 'corpus/h/edge.json': file too large ($((LIMIT + 1)) bytes, limit $LIMIT)
briefing-index: 'corpus/h/edge.jsonl':1: line too large ($((LIMIT + 1)) bytes, limit $LIMIT)" \
   "one byte over the limit is rejected (file, and .jsonl line)"
is "$(count_of db)" 21 "the CR LF line after the long one is indexed"
after_case "one byte over the limit"

# --- a .jsonl file with one 200 MB line, then a good one ---
mkdir corpus/h
{
    printf '{"id":"big","title":"Big","published":"2026-01-01","overview":["'
    yes 'alpha beta' | head -c $BIG | tr '\n' ' '
    printf '"]}\n'
    printf '{"id":"small-after","title":"Small after","published":"2026-01-01"}\n'
} > corpus/h/big.jsonl
line=$(($(head -n 1 corpus/h/big.jsonl | wc -c) - 1))
index_big
is "$rc" 1 "a 200 MB .jsonl line: exit 1"
is "$(grep -v '^briefing-index: added' err)" \
   "briefing-index: 'corpus/h/big.jsonl':1: line too large ($line bytes, limit $LIMIT)" \
   "a 200 MB .jsonl line: rejected with its line, size and the limit"
is "$(count_of db)" 21 "the good line after it is indexed"
rss_below 65536 "a 200 MB .jsonl line is not loaded into memory"
after_case "a 200 MB .jsonl line"

done_testing
