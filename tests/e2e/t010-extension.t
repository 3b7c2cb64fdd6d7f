#!/bin/bash
# t010-extension.t - the sqlite3 shell loads build/briefing_ext and its snowball tokenizer stems.
. "$(dirname "$0")/lib.sh"

EXT=$BUILD/briefing_ext
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
[ -f "$EXT.so" ] || skip_all "$EXT.so is not built"

# Under `make check-asan` the extension is built with ASan and UBSan; the
# sanitizer runtimes must then be loaded before the (uninstrumented) shell.
if ldd "$EXT.so" 2>/dev/null | grep -q libasan; then
    LD_PRELOAD="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)"
    export LD_PRELOAD
    export ASAN_OPTIONS=detect_leaks=0
fi

# sql SQL...: runs statements in a fresh in-memory database with the
# extension loaded; prints stdout and stderr.
sql() {
    sqlite3 -batch :memory: ".load $EXT" "$@" 2>&1
}

out=$(sql "SELECT 1;")
is "$out" "1" "the shell loads the extension by its name without .so"

out=$(sqlite3 -batch :memory: ".load $EXT.so" "SELECT 2;" 2>&1)
is "$out" "2" "the shell loads the extension by its file name"

out=$(sqlite3 -batch :memory: "SELECT load_extension('$EXT');" \
    "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball'); SELECT 3;" 2>&1)
is "$out" "$(printf '\n3')" "load_extension() finds the entry point too"

out=$(sql "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball english');" \
    "INSERT INTO t VALUES('running runs');" \
    "SELECT * FROM t WHERE t MATCH 'run';")
is "$out" "running runs" "a snowball table matches a stemmed word"

out=$(sql "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball english');" \
    "INSERT INTO t VALUES('Running runs'), ('a café');" \
    "CREATE VIRTUAL TABLE v USING fts5vocab(t, row);" \
    "SELECT group_concat(term, ' ') FROM (SELECT term FROM v ORDER BY term);")
is "$out" "a cafe run" "the vocabulary holds folded stems without diacritics"

out=$(sql "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball de');" \
    "INSERT INTO t VALUES('Die Häuser der Stadt');" \
    "SELECT count(*) FROM t WHERE t MATCH 'haus';")
is "$out" "1" "an ISO language code picks the German stemmer"

out=$(sql "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball english');" \
    "INSERT INTO t VALUES('new bank regulations'), ('a regal hall');" \
    "SELECT x FROM t WHERE t MATCH 'regulating';")
is "$out" "new bank regulations" "a query word finds the other forms of it"

out=$(sql "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball klingon');")
like "$out" "error in tokenizer constructor" "an unknown language makes CREATE VIRTUAL TABLE fail"

out=$(sqlite3 -batch :memory: \
    "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='snowball');" 2>&1)
like "$out" "no such tokenizer: snowball" "without the extension the tokenizer is unknown"

# An index made by briefing-index, queried by hand as the README shows.
if [ -x "$BIN/briefing-index" ]; then
    "$BIN/briefing-index" --db "$TMP/index.db" "$TOP/corpus" >/dev/null 2>&1
    check "briefing-index makes an index of the corpus" [ -s "$TMP/index.db" ]
    out=$(sqlite3 -batch -readonly "$TMP/index.db" ".load $EXT" \
        "SELECT count(*) > 0 FROM search WHERE search MATCH 'regulating';" \
        "SELECT count(*) > 0 FROM search JOIN briefings AS b ON b.docid = search.rowid
         WHERE search MATCH 'quote: regulation';" \
        "CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, search, row);
         SELECT count(*) FROM temp.vocab WHERE term IN ('export', 'regul');" 2>&1)
    is "$out" "$(printf '1\n1\n2')" "the README's queries run on an index with the extension"
    out=$(sqlite3 -batch -readonly "$TMP/index.db" \
        "SELECT count(*) FROM search WHERE search MATCH 'x';" 2>&1)
    like "$out" "no such tokenizer: snowball" "an index needs the extension for its search table"
fi

done_testing
