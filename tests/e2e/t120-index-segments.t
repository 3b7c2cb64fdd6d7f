#!/bin/bash
# t120-index-segments.t - a full build leaves no FTS5 segments on level 0 (its chunks are
# merged at its end), puts FTS5's merge settings back for the nightly runs, and --report
# tells the segments every query reads.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

report() { jq -r "$1" report.json; }
config() { sqlite3 -batch -readonly db "SELECT group_concat(k || '=' || v, ' ') FROM (SELECT k, v FROM search_config WHERE k IN ('automerge', 'crisismerge', 'usermerge') ORDER BY k)"; }
marked() { q db "SELECT count(*) FROM search WHERE search MATCH 'genmarker'"; }

# 2,000 briefings of a few kilobytes: FTS5 writes their entries in several
# chunks (lib/index_write.c), each a segment on level 0 until merged.
mkdir -p c/a c/b && $GEN --out c/a --count 2000 || exit 1
"$IDX" --db db --report report.json c 2>err
is "$?" 0 "the full build exits 0"
is "$(report .segments)" 1 "the build's chunks end in one segment (level 0 merged at the end)"
is "$(config)" "automerge=4 crisismerge=16 usermerge=4" "FTS5's own merge settings are back after the build"
is "$(marked)" 2000 "every briefing is found"
fts_ok db; ok $? "the index passes SQLite's and FTS5's integrity checks"
"$IDX" --db db --check >/dev/null 2>&1; is "$?" 0 "--check passes"

# A nightly run adds its own segment; the settings stay FTS5's.
$GEN --out c/b --count 300 --from 2000 || exit 1
"$IDX" --db db --report report.json c 2>err
is "$?" 0 "an incremental run exits 0"
segs=$(report .segments)
[ "$segs" -ge 2 ] && [ "$segs" -le 3 ]; ok $? "an incremental run adds a segment or two (got $segs)"
is "$(config)" "automerge=4 crisismerge=16 usermerge=4" "an incremental run keeps FTS5's merge settings"
is "$(marked)" 2300 "the added briefings are found"

"$IDX" --db db --report report.json c 2>err
is "$(report .wrote):$(report .segments)" "false:null" "a run that writes nothing reports no segments"

done_testing
