#!/bin/bash
# t180-reindex-lock.t - one writer at a time (exit 3), --wait-lock, --check (exit 4), disk full (exit 5).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

$GEN --out g --count 600
"$IDX" --db db g 2>/dev/null; is "$?" 0 "the index is built"
n=$(count_of db)

# wait_pid_in_lock PID: waits until PID has written itself into db.lock.
wait_pid_in_lock() {
    for _i in $(seq 1 100); do
        [ "$(cat db.lock 2>/dev/null)" = "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# --- two indexers at once ---
"$IDX" --db db --full g 2>first.err & holder=$!
wait_pid_in_lock $holder; ok $? "the running indexer writes its pid into db.lock"
"$IDX" --db db g 2>second.err; rc=$?
if kill -0 $holder 2>/dev/null; then
    is "$rc" 3 "a second indexer exits 3 at once"
    is "$(cat second.err)" "briefing-index: 'db' is locked by another indexer (pid $holder)" \
       "the second indexer names the holder"
else
    ok 0 "# SKIP the first indexer ended too soon"
    ok 0 "# SKIP the first indexer ended too soon"
fi
wait $holder; is "$?" 0 "the first indexer completes"
is "$(count_of db)" "$n" "the index is whole afterwards"

# --- a SIGKILLed holder does not block the next run ---
"$IDX" --db db --full g 2>/dev/null & holder=$!
wait_pid_in_lock $holder
kill -9 $holder; wait $holder 2>/dev/null
start=$(date +%s)
"$IDX" --db db g 2>err; rc=$?
is "$rc" 0 "after kill -9 of the holder the next run proceeds"
[ $(( $(date +%s) - start )) -lt 30 ]; ok $? "and does not wait for a lock"

# --- --wait-lock ---
"$IDX" --db db --full g 2>/dev/null & holder=$!
wait_pid_in_lock $holder
"$IDX" --db db --wait-lock 0.2 --report lock.json g 2>err; rc=$?
if kill -0 $holder 2>/dev/null; then
    is "$rc" 3 "--wait-lock gives up after its time with exit 3"
    is "$(jq -r '"\(.exit) \(.wrote) \(.error)"' lock.json)" \
       "3 false 'db' is locked by another indexer (pid $holder)" "--report records a locked run too"
else
    ok 0 "# SKIP the holder ended within 0.2s"
    ok 0 "# SKIP the holder ended within 0.2s"
fi
"$IDX" --db db --wait-lock 120 g 2>err; rc=$?
is "$rc" 0 "--wait-lock waits for the holder, then runs"
kill -0 $holder 2>/dev/null; ok $((! $?)) "the holder had finished when the waiter ran"
wait $holder

# --- --check ---
"$IDX" --db db --check; is "$?" 0 "--check: a good index exits 0"
cp db broken.db
sqlite3 broken.db "UPDATE search_data SET block = zeroblob(length(block))
                   WHERE id = (SELECT max(id) FROM search_data)"
err=$("$IDX" --db broken.db --check 2>&1); rc=$?
is "$rc" 4 "--check: a damaged FTS5 index exits 4"
like "$err" "INTEGRITY CHECK FAILED" "--check says so loudly"
cp db broken2.db
sqlite3 broken2.db "INSERT INTO passages(serial, seq, part, off, len) VALUES (999999, 0, 8, 0, 0)"
err=$("$IDX" --db broken2.db --check 2>&1); rc=$?
is "$rc" 4 "--check: rows pointing nowhere exit 4"
like "$err" "passages of missing briefings" "--check names the problem"
cp db broken3.db
sqlite3 broken3.db "UPDATE pairs SET bits = zeroblob(length(bits))"
err=$("$IDX" --db broken3.db --check 2>&1); rc=$?
is "$rc" 4 "--check: a pair filter that lacks the index's pairs exits 4"
like "$err" "pair filter lacks neighbouring words of 600 briefings" "--check names it, with the briefings it fails for"
echo "not an index" > junk.db
"$IDX" --db junk.db --check 2>/dev/null; is "$?" 2 "--check on a file that is no index exits 2"
"$IDX" --db junk.db g 2>/dev/null; is "$?" 2 "indexing into a file that is no index exits 2"
is "$(cat junk.db)" "not an index" "a file that is no index is left alone"

# --- disk full (a file size limit; SIGXFSZ ignored, so writes fail with EFBIG) ---
$GEN --out g --count 200 --from 600 --tag betatag
size=$(stat -c %s db)
sum=$(md5sum < db)
(trap '' XFSZ; ulimit -f $((size / 1024 / 2)); "$IDX" --db db g 2>err); rc=$?
is "$rc" 5 "a disk too full for the copy: exit 5"
like "$(cat err)" "still serves the previous index" "the message says the old index is kept"
is "$(md5sum < db)" "$sum" "the live index is untouched"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "the partial copy is removed"
(trap '' XFSZ; ulimit -f $((size / 1024 / 2)); "$IDX" --db db --full g 2>err); rc=$?
is "$rc" 5 "a disk too full for a rebuild: exit 5"
is "$(md5sum < db)" "$sum" "the live index is untouched by a failed rebuild"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "the partial rebuild is removed"
"$IDX" --db db g 2>/dev/null; is "$?" 0 "with room again the run succeeds"
is "$(count_of db)" $((n + 200)) "and the index has the new briefings"

done_testing
