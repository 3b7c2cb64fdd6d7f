# helpers.sh - sourced by the indexer's tests/e2e/t1NN-*.t after lib.sh.
IDX=$BIN/briefing-index
EXT=$BUILD/briefing_ext
GEN="perl $TOP/tests/data/index/gen.pl"
FIX=$TOP/tests/data/index

[ -x "$IDX" ] || skip_all "$IDX is not built"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
command -v jq >/dev/null 2>&1 || skip_all "no jq"

# Under `make check-asan` the extension carries ASan; the shell needs the
# runtimes preloaded (see t010-extension.t).
if [ -f "$EXT.so" ] && ldd "$EXT.so" 2>/dev/null | grep -q libasan; then
    SQL_PRELOAD="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)"
else
    SQL_PRELOAD=
fi

# q DB SQL...: read-only query; the snowball tokenizer is loaded so that
# MATCH and fts5vocab work.
q() {
    _db=$1
    shift
    LD_PRELOAD=$SQL_PRELOAD ASAN_OPTIONS=detect_leaks=0 \
        sqlite3 -batch -readonly "$_db" ".load $EXT" "$@"
}

# gen_of DB: the index's generation.
gen_of() {
    sqlite3 -batch -readonly "$1" "SELECT value FROM meta WHERE key = 'generation'"
}

# count_of DB: number of briefings.
count_of() {
    sqlite3 -batch -readonly "$1" "SELECT count(*) FROM briefings"
}

# fts_ok DB: FTS5 and SQLite integrity checks, on a copy (the shell's
# integrity-check needs write access, and the live file is never written).
fts_ok() {
    cp "$1" "$1.check" &&
    _r=$(LD_PRELOAD=$SQL_PRELOAD ASAN_OPTIONS=detect_leaks=0 sqlite3 -batch "$1.check" \
        ".load $EXT" "PRAGMA integrity_check;" \
        "INSERT INTO search(search) VALUES('integrity-check');" 2>&1)
    rm -f "$1.check"
    [ "$_r" = "ok" ]
}
