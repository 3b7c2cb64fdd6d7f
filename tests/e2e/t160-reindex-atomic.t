#!/bin/bash
# t160-reindex-atomic.t - readers during a reindex see the old or the new index, whole, and never an error.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

QRY=$BIN/briefing-query
OLD=600 ADD=300 DEL=60
$GEN --out g --count $OLD --tag alphatag
"$IDX" --db db g 2>/dev/null; is "$?" 0 "the old corpus is indexed"
is "$(count_of db)" $OLD "old corpus: $OLD briefings"

answer() {
    q db "SELECT (SELECT count(*) FROM briefings) || ' ' ||
                 (SELECT count(*) FROM search WHERE search MATCH 'genmarker') || ' ' ||
                 (SELECT count(*) FROM search WHERE search MATCH 'betatag');"
}
old_answer="$OLD $OLD 0"
new_answer="$((OLD + ADD - DEL)) $((OLD + ADD - DEL)) $ADD"
is "$(answer)" "$old_answer" "the old index answers"

# The new corpus: ADD briefings more (tagged betatag), DEL fewer.
$GEN --out g --count $ADD --from $OLD --tag betatag
for i in $(seq 0 $((DEL - 1))); do rm "g/$(printf %02d $((i / 100)))/gen-$i.json"; done

# Readers: the sqlite3 shell, and briefing-query when it is built.
stop=$TMP/stop
reader_sql() {
    while [ ! -e "$stop" ]; do answer >>"$TMP/sql.out" 2>>"$TMP/sql.err"; done
}
reader_query() {
    while [ ! -e "$stop" ]; do
        "$QRY" --db db --json genmarker 2>>"$TMP/qry.err" | jq -r .total >>"$TMP/qry.out"
    done
}
: >sql.out; : >qry.out; : >sql.err; : >qry.err
reader_sql & r1=$!
reader_sql & r2=$!
if [ -x "$QRY" ]; then reader_query & r3=$!; else r3=; fi
sleep 0.5
"$IDX" --db db g 2>idx.err; rc=$?
sleep 0.5
touch "$stop"
wait $r1 $r2 $r3

is "$rc" 0 "the reindex exits 0 with readers around"
is "$(answer)" "$new_answer" "the new index answers"
n=$(wc -l < sql.out)
[ "$n" -ge 4 ]; ok $? "the readers read during the run ($n answers)"
is "$(cat sql.err)" "" "no reader error (no 'database is locked', no malformed)"
is "$(sort -u sql.out | grep -v -x -e "$old_answer" -e "$new_answer" | head -3)" "" \
   "every answer is the whole old or the whole new index"
grep -qx "$old_answer" sql.out; ok $? "readers saw the old index while the run went on"
grep -qx "$new_answer" sql.out; ok $? "readers saw the new index after the rename"
if [ -n "$r3" ]; then
    is "$(cat qry.err)" "" "briefing-query never failed during the run"
    is "$(sort -u qry.out | grep -v -x -e $OLD -e $((OLD + ADD - DEL)) | head -3)" "" \
       "briefing-query counted the old or the new corpus, nothing in between"
else
    ok 0 "# SKIP briefing-query is not built"
    ok 0 "# SKIP briefing-query is not built"
fi

# A reader running as another user needs only read permission.
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
    chmod 755 "$TMP"
    is "$(stat -c %a db)" 644 "the renamed index keeps the mode of the old one"
    out=$(runuser -u nobody -- sqlite3 -batch -readonly "$TMP/db" "SELECT count(*) FROM briefings" 2>&1)
    is "$out" "$((OLD + ADD - DEL))" "another user reads the index with read permission only"
    chmod 600 db
    brief='{"title":"One more","published":"2026-01-01"}'
    echo "$brief" > g/extra.json
    "$IDX" --db db g 2>/dev/null
    is "$(stat -c %a db)" 600 "the mode of the live file is carried to the new one"
else
    ok 0 "# SKIP not root: no second user to read as"
    ok 0 "# SKIP not root"
    ok 0 "# SKIP not root"
fi

done_testing
