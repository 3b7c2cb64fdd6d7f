#!/bin/bash
# t150-reindex-incremental.t - a run on an existing index adds, updates and removes only what changed.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

brief() { # brief ID TITLE [DATE]: a small briefing with its id
    printf '{"id":"%s","title":"%s","published":"%s","overview":["About %s."]}\n' "$1" "$2" "${3:-2026-01-01}" "$2"
}
ids() { sqlite3 -readonly db "SELECT group_concat(id, ' ') FROM (SELECT id FROM briefings ORDER BY id)"; }
found() { q db "SELECT count(*) FROM search WHERE search MATCH '$1'"; }
inode() { stat -c %i db; }
summary() { grep '^briefing-index: added' err | sed 's/ in [0-9.]*s$//'; }
run() { "$IDX" --db db "$@" 2>err; }

mkdir c
brief a "Apple orchard" > c/a.json
brief b "Banana boat" > c/b.json
{ brief l1 "Lemon tart"; brief l2 "Lime pickle"; brief l3 "Lychee jelly"; } > c/l.jsonl
run c; is "$?" 0 "first run"
is "$(ids)" "a b l1 l2 l3" "first run indexes everything"
is "$(gen_of db)" 1 "generation 1"

# Nothing changed: no write at all.
ino=$(inode); sum=$(md5sum < db)
run c; is "$?" 0 "a run with nothing to do exits 0"
is "$(summary)" "briefing-index: added 0, updated 0, removed 0, unchanged 5, rejected 0" "nothing to do: all unchanged"
is "$(inode):$(md5sum < db)" "$ino:$sum" "nothing to do: the index file is not rewritten"
is "$(gen_of db)" 1 "nothing to do: the generation stays"

# Touched but unchanged: hashed, found equal, nothing written.
touch -d '2030-01-01' c/a.json c/l.jsonl
run c; is "$?" 0 "touched files: exit 0"
is "$(summary)" "briefing-index: added 0, updated 0, removed 0, unchanged 5, rejected 0" "touched files are not reindexed"
is "$(inode):$(gen_of db)" "$ino:1" "touched files: no write, same generation"

# Added, changed, deleted, a JSON Lines id gone: one new generation.
brief d "Date loaf" > c/d.json
brief b "Blueberry muffin" > c/b.json
rm c/a.json
{ brief l1 "Lemon tart"; brief l3 "Lychee jelly"; } > c/l.jsonl
run -v c; is "$?" 0 "a run with changes exits 0"
is "$(ids)" "b d l1 l3" "added d, removed a and l2, kept the rest"
is "$(summary)" "briefing-index: added 1, updated 2, removed 2, unchanged 1, rejected 0" \
   "the summary counts each kind of change (l3 moved up a line)"
is "$(gen_of db)" 2 "the generation is bumped once"
[ "$(inode)" != "$ino" ]; ok $? "the new index was renamed into place"
is "$(found blueberry):$(found banana):$(found apple):$(found lime):$(found date)" "1:0:0:0:1" \
   "the index answers with the new texts only"
like "$(cat err)" "briefing-index: remove 'l2'" "--verbose tells each removal"
like "$(cat err)" "briefing-index: update 'b'" "--verbose tells each update"
when=$(sqlite3 db "SELECT value FROM meta WHERE key='generation_time'")
echo "$when" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'; ok $? "generation_time is UTC ISO 8601"
is "$(sqlite3 db "SELECT mtime_ns FROM files WHERE path LIKE '%/l.jsonl'")" \
   "$(stat -c %.9Y c/l.jsonl | tr -d .)" "the files row follows the file's mtime"
fts_ok db; ok $? "the updated index passes the integrity checks"
# `stems`, the IDF's document counts, follows: added, updated and removed
# briefings' stems are counted in and out, as FTS5 itself counts them.
stems_off() {
    q db "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, row);" \
         "SELECT count(*) FROM temp.v FULL JOIN stems s ON s.stem = v.term WHERE v.doc IS NOT s.docs"
}
is "$(stems_off)" 0 "stems holds FTS5's document count of every term after the run"
is "$(sqlite3 -readonly db "SELECT group_concat(stem || '=' || docs, ' ') FROM stems
     WHERE stem IN ('about', 'appl', 'banana', 'blueberri', 'lime', 'lemon')")" \
   "about=4 blueberri=1 lemon=1" "stems: removed and replaced texts are subtracted"
# Replaced texts and merged segments free pages; a run that leaves a tenth
# of the copy free compacts it (lib/indexer.c, worth_compacting()). A
# briefing of some 300 KB, then a small one in its place:
long=$(for i in $(seq 3000); do printf 'Harbour cranes number %d load the freighters. ' "$i"; done)
printf '{"id":"big","title":"Big","published":"2026-01-02","overview":["%s"]}\n' "$long" > c/big.json
run c; is "$?" 0 "a large briefing is added"
brief big "Big no more" 2026-01-02 > c/big.json
run c; is "$?" 0 "...and replaced by a small one"
is "$(sqlite3 -readonly db "SELECT (SELECT freelist_count FROM pragma_freelist_count) * 10
     < (SELECT page_count FROM pragma_page_count)")" 1 "the copy is compacted: less than a tenth of its pages free"
rm c/big.json
run c; is "$?" 0 "...and removed"

# A file that became invalid keeps its last good version; exit 1.
echo '{"id":"b", "title": ' > c/b.json
{ brief l1 "Lemon sorbet"; echo '{"id":"l3", oops'; } > c/l.jsonl
run c; is "$?" 1 "a broken file: exit 1"
like "$(cat err)" "briefing-index: 'c/b.json':" "the broken file is reported"
like "$(cat err)" "briefing-index: 'c/l.jsonl':2:" "the broken line is reported"
is "$(ids)" "b d l1 l3" "no briefing of a broken file is removed"
is "$(found blueberry)" 1 "the broken file's last good version is still found"
is "$(found sorbet):$(found lychee)" "1:1" "good lines are applied, ids of bad lines keep their old version"
old_hash=$(sqlite3 db "SELECT hash FROM files WHERE path LIKE '%/b.json'")
run c; is "$?" 1 "still broken: exit 1 again"
is "$(sqlite3 db "SELECT hash FROM files WHERE path LIKE '%/b.json'")" "$old_hash" "a broken file's files row is not updated"
brief b "Blackberry pie" > c/b.json
{ brief l1 "Lemon sorbet"; brief l3 "Lychee jelly"; } > c/l.jsonl
run c; is "$?" 0 "fixed: exit 0"
is "$(found blackberry):$(found blueberry)" "1:0" "the fixed file is indexed"

# Lines moved down: only their line numbers change, nothing is reindexed.
docid=$(sqlite3 db "SELECT docid FROM briefings WHERE id = 'l3'")
touch -d '2031-01-01' c/d.json
{ brief l0 "Loquat jam"; brief l1 "Lemon sorbet"; brief l3 "Lychee jelly"; } > c/l.jsonl
run c; is "$?" 0 "a line inserted at the top of a .jsonl"
is "$(summary)" "briefing-index: added 1, updated 2, removed 0, unchanged 2, rejected 0" \
   "the new line is added, the moved lines get their new line numbers"
is "$(sqlite3 db "SELECT docid || ' ' || line FROM briefings WHERE id = 'l3'")" "$docid 3" \
   "a moved line keeps its docid (not reindexed) and gets its new line number"
is "$(sqlite3 db "SELECT mtime_ns FROM files WHERE path LIKE '%/d.json'")" \
   "$(stat -c %.9Y c/d.json | tr -d .)" "a touched file's row is brought up to date with the changes"

# A duplicate id inside one .jsonl.
{ brief l0 "Loquat jam"; brief l1 "Lemon sorbet"; brief l3 "Lychee jelly"; brief l1 "Lemon again"; } > c/l.jsonl
run c; is "$?" 1 "a duplicate id in a .jsonl: exit 1"
like "$(cat err)" "briefing-index: 'c/l.jsonl':4: duplicate id 'l1' (also on line 2)" \
     "the duplicate line is named with the first one"
is "$(found again):$(found sorbet)" "0:1" "the first line keeps the id"
{ brief l0 "Loquat jam"; brief l1 "Lemon sorbet"; brief l3 "Lychee jelly"; } > c/l.jsonl
run c; is "$?" 0 "the duplicate removed: exit 0"

# --dry-run tells, changes nothing.
cp db before.db
brief e "Elderflower cordial" > c/e.json
rm c/d.json
out=$("$IDX" --db db --dry-run c 2>err); rc=$?
is "$rc" 0 "--dry-run exits 0"
like "$out" "would add 'e'" "--dry-run lists additions"
like "$out" "would remove 'd'" "--dry-run lists removals"
like "$(cat err)" "dry run, would have added 1, updated 0, removed 1" "--dry-run summary"
cmp -s db before.db; ok $? "--dry-run leaves the index byte for byte"

# No PATH: the remembered roots, from any folder.
(cd / && "$IDX" --db "$TMP/db" 2>"$TMP/err"); is "$?" 0 "a run without PATH reuses the roots"
is "$(ids)" "b e l0 l1 l3" "the remembered roots were walked"

# Another root: files under the first one are not removed.
mkdir c2
brief f "Fig roll" > c2/f.json
run c2; is "$?" 0 "a run on another root"
is "$(ids)" "b e f l0 l1 l3" "files outside this run's roots stay"
is "$(sqlite3 db "SELECT value FROM meta WHERE key='roots'" | jq -r 'map(split("/")[-1]) | join(" ")')" "c c2" \
   "the index remembers both roots"
rm c2/f.json c/e.json
run; is "$?" 0 "a run without PATH after deletions"
is "$(ids)" "b l0 l1 l3" "deletions under every remembered root are seen"

# A moved file keeps its id: removal and addition, no duplicate.
mkdir c/sub
mv c/b.json c/sub/b.json
run c; is "$?" 0 "a moved file: exit 0"
is "$(summary)" "briefing-index: added 1, updated 0, removed 1, unchanged 3, rejected 0" "a move is a removal and an addition"
is "$(ids)" "b l0 l1 l3" "the moved briefing keeps its id"

# An id moving from a changed file to a new one that is read first.
{ brief m1 "Mango lassi"; brief m2 "Melon soup"; } > c/x.jsonl
run c; is "$?" 0 "two more ids"
brief m2 "Melon soup" > c/a-new.json
brief m1 "Mango lassi" > c/x.jsonl
out=$("$IDX" --db db --dry-run c 2>err); rc=$?
is "$rc" 0 "--dry-run of an id moving between files: exit 0"
like "$out" "would add 'm2' ('c/a-new.json')" "--dry-run sees the id move"
run c; is "$?" 0 "an id moving to a new file that sorts first: exit 0, no duplicate"
is "$(sqlite3 db "SELECT path FROM briefings WHERE id = 'm2'" | sed 's|.*/||')" "a-new.json" \
   "the id now comes from the new file"
rm c/x.jsonl c/a-new.json
run c; is "$?" 0 "and both files removed again"

# A single file outside the roots, given once, then deleted.
brief z "Zucchini bread" > "$TMP/extra.json"
run "$TMP/extra.json"; is "$?" 0 "a file outside the roots becomes a root"
is "$(found zucchini)" 1 "the file's briefing is indexed"
rm "$TMP/extra.json"
run; is "$?" 0 "a run after that file was deleted: exit 0"
is "$(found zucchini)" 0 "the deleted file's briefing is removed"
is "$(sqlite3 db "SELECT value FROM meta WHERE key='roots'" | jq -r 'map(split("/")[-1]) | join(" ")')" "c c2" \
   "the deleted file is no longer a root"
rmdir c2
run; is "$?" 2 "a remembered folder that is gone: exit 2 (an unmounted disk must not empty the index)"

# --full rebuilds.
gen=$(gen_of db)
run --full c; is "$?" 0 "--full exits 0"
is "$(ids)" "b l0 l1 l3" "--full indexes the same briefings"
is "$(gen_of db)" $((gen + 1)) "--full bumps the generation"
is "$(sqlite3 db "SELECT count(*) FROM files")" 2 "--full rebuilds the files table"

# A file or folder inside a remembered root keeps the ids it has under it.
mkdir -p c/deep/er
echo '{"title":"Nested note","published":"2026-01-01"}' > c/deep/er/n.json
run c; is "$(sqlite3 db "SELECT id FROM briefings WHERE title = 'Nested note'")" "deep/er/n" "an id from the root"
echo '{"title":"Nested note two","published":"2026-01-01"}' > c/deep/er/n.json
run c/deep/er/n.json; is "$?" 0 "a run on one file inside the root"
is "$(sqlite3 db "SELECT id FROM briefings WHERE title LIKE 'Nested%'")" "deep/er/n" "the file keeps its id"
echo '{"title":"Nested note three","published":"2026-01-01"}' > c/deep/er/n.json
run c/deep; is "$(sqlite3 db "SELECT id FROM briefings WHERE title LIKE 'Nested%'")" "deep/er/n" \
   "a run on a folder inside the root keeps the ids too"
is "$(sqlite3 db "SELECT value FROM meta WHERE key='roots'" | jq -r 'map(split("/")[-1]) | join(" ")')" "c" \
   "paths inside a root are not remembered as roots of their own"

# Leftovers of a killed run are removed by the next one.
echo junk > db.tmp-99999
echo junk > db.tmp-99999-journal
run c; is "$?" 0 "a run beside leftovers"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "stale db.tmp-* files are removed"

done_testing
