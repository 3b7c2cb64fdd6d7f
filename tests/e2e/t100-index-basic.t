#!/bin/bash
# t100-index-basic.t - briefing-index: command line, the bundled corpus, the seed export, --parse, the walk.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

# --- command line ---
out=$("$IDX" --help); rc=$?
is "$rc" 0 "--help exits 0"
like "$out" "usage: briefing-index --db FILE" "--help prints the usage on stdout"
for code in 0 1 2 3 4 5; do
    echo "$out" | grep -q "^  $code  " ; ok $? "--help documents exit code $code"
done
out=$("$IDX" --version); is "$?" 0 "--version exits 0"
like "$out" "briefing-index " "--version names the program"

err=$("$IDX" --db x.db --bogus 2>&1 >/dev/null); rc=$?
is "$rc" 2 "an unknown option exits 2"
is "$err" "briefing-index: unknown option '--bogus'
try 'briefing-index --help'" "an unknown option: one line and the hint"
err=$("$IDX" corpus 2>&1); is "$?" 2 "no --db exits 2"
like "$err" "try 'briefing-index --help'" "no --db prints the hint"
err=$("$IDX" --db x.db --wait-lock soon . 2>&1); is "$?" 2 "a bad --wait-lock exits 2"
err=$("$IDX" --db x.db --text-date 19.5.2026 . 2>&1); is "$?" 2 "a bad --text-date exits 2"
err=$("$IDX" --db x.db --lang klingon . 2>&1); is "$?" 2 "an unknown --lang exits 2"
like "$err" "unknown stemming language 'klingon'" "an unknown --lang is named"
err=$("$IDX" --db x.db does-not-exist 2>&1); is "$?" 2 "a missing PATH exits 2"
like "$err" "cannot read 'does-not-exist'" "a missing PATH is named"
"$IDX" --db nowhere/x.db . 2>/dev/null; is "$?" 2 "an index in a missing folder exits 2"
[ ! -e x.db ]; ok $? "a failed start creates no index"

# -- ends options: a folder named like an option is indexed.
mkdir -p dd/--full
echo '{"title":"Dash","published":"2026-01-01"}' > dd/--full/a.json
(cd dd && "$IDX" --db ../dash.db -- --full) 2>/dev/null; is "$?" 0 "-- ends the options"
is "$(sqlite3 dash.db "SELECT id FROM briefings")" "a" "the folder after -- was indexed"

# --- the bundled corpus ---
want=$(( $(find "$TOP/corpus" -name '.*' -prune -o \( -name '*.json' -o -name '*.txt' \) -type f -print | wc -l) \
       + $(find "$TOP/corpus" -name '.*' -prune -o -name '*.jsonl' -type f -print0 | xargs -0 -r cat | grep -c '[^[:space:]]') ))
err=$("$IDX" --db corpus.db "$TOP/corpus" 2>&1); rc=$?
is "$rc" 0 "the bundled corpus indexes with exit 0"
is "$(count_of corpus.db)" "$want" "every briefing of the corpus is in the index ($want)"
echo "$err" | grep -Eq '^briefing-index: added [0-9]+, updated 0, removed 0, unchanged 0, rejected 0 in [0-9]+\.[0-9]{2}s$'
ok $? "one summary line on stderr"
is "$(echo "$err" | wc -l)" 1 "nothing else on stderr when not a terminal"
is "$(gen_of corpus.db)" 1 "a new index is generation 1"
is "$(sqlite3 corpus.db "SELECT value FROM meta WHERE key='lang'")" english "the default language is english"
fts_ok corpus.db; ok $? "the new index passes the integrity checks"
"$IDX" --db corpus.db --check; is "$?" 0 "--check passes on a fresh index"
ls corpus.db.tmp-* >/dev/null 2>&1; ok $((! $?)) "no temporary file is left"
# A copy under 32 MB is compacted: VACUUM makes it no smaller.
sqlite3 corpus.db "VACUUM INTO 'vacuumed.db'"
is "$(stat -c %s corpus.db)" "$(stat -c %s vacuumed.db)" "a small new index is compacted"
rm -f vacuumed.db

# --- the seed export ---
if [ -f "$SEED" ]; then
    "$IDX" --db seed.db "$SEED" 2>/dev/null; is "$?" 0 "the seed export indexes"
    # Part codes (include/brief_index.h): overview 0, timeline 1, player 2,
    # cited 3, broadcast 4, section 5, analyst 6, crowd 7, quote 8.
    parts=$(sqlite3 seed.db "SELECT typeof(part) || ' ' || part || ' ' || count(*) FROM passages GROUP BY part ORDER BY part" | tr '\n' ',')
    is "$parts" "integer 0 4,integer 1 6,integer 2 5,integer 3 6,integer 4 3,integer 5 4,integer 6 3,integer 7 4," \
        "the seed's passages by part code"
    is "$(sqlite3 seed.db "SELECT id || ' ' || published || ' ' || category || ' ' || signals FROM briefings")" \
        "000_487b23413f80eb5f 2026-05-19 TECH 31" "the seed's id, date, category and signals"
    vocab() {
        q seed.db "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, instance);" \
            "SELECT count(*) FROM temp.v WHERE term = '$1';"
    }
    # Words that appear in the export only as section headings.
    for w in overview histor power crowd broadcast; do
        is "$(vocab $w)" 0 "layout word '$w' is not indexed"
    done
    # "Strategic" and "Signals" are headings, and also words of the text:
    # only the text's occurrences are indexed.
    text_strategic=$(grep -v -x 'Strategic Overview' "$SEED" | grep -o -i -w 'strategic' | wc -l)
    is "$(vocab strateg)" "$text_strategic" "'Strategic' is indexed only where the text says it"
    # The seed says "signal(s)" only in its Deep Analysis paragraphs.
    out=$(q seed.db "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, search, instance);" \
        "SELECT count(*) FROM temp.v WHERE term IN ('signal', 'strateg') AND col != 'analysis';")
    is "$out" 0 "the 'Signals' badge and the 'Strategic Overview' heading are not indexed"
    is "$(q seed.db "SELECT count(*) FROM search WHERE search MATCH 'pretraining'")" 1 \
        "the seed is found by a word of its text"
    out=$("$IDX" --parse --text-date 2026-01-02 "$SEED" | jq -r .published)
    is "$out" "2026-01-02" "--text-date overrides the date of a .txt export"
else
    ok 0 "# SKIP no seed export"
fi

# --- --parse ---
out=$("$IDX" --parse "$TOP/corpus"); rc=$?
is "$rc" 0 "--parse of the corpus exits 0"
is "$(echo "$out" | jq -c . | wc -l)" "$want" "--parse prints one JSON object per briefing"
first=$(ls "$TOP/corpus" | grep '\.json$' | head -1)
is "$("$IDX" --parse "$TOP/corpus/$first" | jq -r .title)" \
   "$(jq -r .title "$TOP/corpus/$first")" "--parse keeps the title"
mkdir -p p/sub/deeper
echo '{"title":"No id","published":"2026-03-04","extra":1}' > p/sub/deeper/name.v2.json
is "$("$IDX" --parse p | jq -c '{id,title,published}')" \
   '{"id":"sub/deeper/name.v2","title":"No id","published":"2026-03-04"}' \
   "--parse defaults the id to the path under the root without extension"
is "$("$IDX" --parse p/sub | jq -r .id)" "deeper/name.v2" "the id is relative to the root argument"
echo '{"title": 3}' > p/bad.json
out=$("$IDX" --parse p 2>err); rc=$?
is "$rc" 1 "--parse exits 1 when a file is rejected"
like "$(cat err)" "briefing-index: 'p/bad.json'" "--parse reports the rejected file on stderr"
is "$(echo "$out" | wc -l)" 1 "--parse still prints the good briefing"
ls ./*.db | grep -q p.db; ok $((! $?)) "--parse writes no index"

# --- the walk: hidden folders, symlinks, FIFOs ---
mkdir -p w/a w/.hidden w/real
echo '{"title":"Visible","published":"2026-01-01"}' > w/a/one.json
echo '{"title":"Hidden","published":"2026-01-01"}' > w/.hidden/two.json
echo '{"title":"Real","published":"2026-01-01"}' > w/real/three.json
echo 'notes' > w/a/readme.md
ln -s ../real w/a/link
ln -s .. w/a/loop
mkfifo w/a/pipe.json
err=$(timeout 20 "$IDX" --db w.db w 2>&1); rc=$?
is "$rc" 0 "a tree with a FIFO and a symlink loop indexes (and ends)"
is "$(sqlite3 w.db "SELECT group_concat(id, ' ') FROM (SELECT id FROM briefings ORDER BY id)")" \
   "a/link/three a/one" "hidden folders skipped, symlinks followed, each folder walked once"
like "$err" "'w/real': folder already walked" "a folder met twice is reported once"
like "$err" "briefing-index: 'w/a/pipe.json': a FIFO, not a regular file, skipped" \
     "the FIFO is reported"

# --- duplicates ---
mkdir -p dup
echo '{"id":"same","title":"First","published":"2026-01-01"}' > dup/a.json
echo '{"id":"same","title":"Second","published":"2026-01-01"}' > dup/b.json
err=$("$IDX" --db dup.db dup 2>&1); rc=$?
is "$rc" 1 "a duplicate id exits 1"
like "$err" "briefing-index: 'dup/b.json': duplicate id 'same' (also in 'dup/a.json')" \
     "a duplicate id is rejected naming both files"
is "$(sqlite3 dup.db "SELECT title FROM briefings")" "First" "the first file keeps the id"

# --- language ---
"$IDX" --db de.db --lang german dup/a.json 2>/dev/null
is "$(sqlite3 de.db "SELECT value FROM meta WHERE key='lang'")" german "--lang is stored in a new index"
err=$("$IDX" --db de.db --lang english dup/a.json 2>&1); rc=$?
is "$rc" 2 "another --lang on an existing index exits 2"
like "$err" "stems with 'german', not 'english'" "the language clash is explained"
"$IDX" --db de.db --lang de dup/a.json 2>/dev/null; is "$?" 0 "the same language by its code is accepted"
"$IDX" --db de.db --lang english --full dup/a.json 2>/dev/null; is "$?" 0 "--full may change the language"
is "$(sqlite3 de.db "SELECT value FROM meta WHERE key='lang'")" english "the rebuilt index has the new language"

done_testing
