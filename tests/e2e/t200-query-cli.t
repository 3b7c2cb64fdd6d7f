#!/bin/bash
# t200-query-cli.t - briefing-query's exit codes, error messages, usage errors and --help.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
[ -x "$Q" ] || skip_all "$Q is not built"
[ -x "$BIN/briefing-index" ] || skip_all "briefing-index is not built"
"$BIN/briefing-index" --db "$TMP/rank.db" "$TOP/tests/data/rank" 2>/dev/null ||
    fail_all "indexing the ranking fixture works"
DB=$TMP/rank.db

"$Q" --db "$DB" glacier telemetry >/dev/null 2>&1
is "$?" 0 "exit 0 when something matched"
"$Q" --db "$DB" zyzzyvazyx >/dev/null 2>&1
is "$?" 1 "exit 1 when nothing matched"
out=$("$Q" --db "$DB" zyzzyvazyx 2>&1)
like "$out" "no briefings matched" "says that nothing matched"

# Unusable indexes: each with its own message, exit 2.
out=$("$Q" --db "$TMP/missing.db" glacier 2>&1)
is "$?" 2 "missing index: exit 2"
is "$out" "briefing-query: cannot open index '$TMP/missing.db': No such file or directory" \
    "missing index: exact message"
[ -e "$TMP/missing.db" ]
is "$?" 1 "a missing index is not created by a query"

echo "just some text, not a database at all" > "$TMP/text.db"
out=$("$Q" --db "$TMP/text.db" glacier 2>&1)
is "$?" 2 "not an index (text file): exit 2"
is "$out" "briefing-query: '$TMP/text.db' is not a briefing index: file is not a database" \
    "not an index (text file): exact message"

if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$TMP/other.db" "CREATE TABLE t(x);"
    out=$("$Q" --db "$TMP/other.db" glacier 2>&1)
    is "$?" 2 "not an index (another SQLite database): exit 2"
    is "$out" "briefing-query: '$TMP/other.db' is not a briefing index" \
        "not an index (another SQLite database): exact message"

    cp "$DB" "$TMP/v7.db"
    sqlite3 "$TMP/v7.db" "PRAGMA user_version = 7;"
    out=$("$Q" --db "$TMP/v7.db" glacier 2>&1)
    is "$?" 2 "wrong schema version: exit 2"
    is "$out" "briefing-query: '$TMP/v7.db' has schema version 7, this program reads version 5" \
        "wrong schema version: exact message"
fi

# Usage errors: exit 2, one line and a hint on stderr, nothing on stdout.
usage() {
    local want=$1
    shift
    local err
    err=$("$Q" "$@" 2>&1 >/dev/null)
    local rc=$?
    is "$rc" 2 "usage error exits 2: $*"
    is "$err" "briefing-query: $want
try 'briefing-query --help' for more information" "usage error message: $*"
}
usage "no index given: use --db FILE" glacier
usage "no query given" --db "$DB"
usage "--limit must be a whole number from 1 to 1000, not '0'" --db "$DB" --limit 0 x
usage "--limit must be a whole number from 1 to 1000, not 'ten'" --db "$DB" --limit ten x
usage "--offset must be a whole number from 0 to 100000, not '-1'" --db "$DB" --offset -1 x
usage "--sort must be hybrid, date or relevance, not 'best'" --db "$DB" --sort best x
usage "--half-life must be a positive number of days, not '0'" --db "$DB" --half-life 0 x
usage "--now must be a date (YYYY-MM-DD), not 'yesterday'" --db "$DB" --now yesterday x
usage "--after must be a date (YYYY, YYYY-MM or YYYY-MM-DD), not '2024-13'" --db "$DB" --after 2024-13 x
usage "--kind must be quote, analysis or article, not 'tweet'" --db "$DB" --kind tweet x
usage "--color must be auto, always or never, not 'sometimes'" --db "$DB" --color sometimes x
usage "unknown option '--bogus'" --db "$DB" --bogus x
usage "option '--limit' needs a value" --db "$DB" --limit
usage "--batch reads its queries from standard input, not the command line" --db "$DB" --batch x

# --help documents every option and the query syntax, on stdout, exit 0.
help=$("$Q" --help)
is "$?" 0 "--help exits 0"
for opt in --db --limit --offset --sort --half-life --now --after --before --category --kind \
    --speaker --all --passages --max-passages --facets --explain --verbose --json --color \
    --batch --work-limit --no-suggest --help --version; do
    like "$help" "$opt" "--help documents $opt"
done
for syn in '"exact phrase"' 'word*' 'title:' 'category:' 'kind:quote' 'after:' 'before:' ' OR ' \
    'Exit status'; do
    like "$help" "$syn" "--help documents $syn"
done
ver=$("$Q" --version)
like "$ver" "briefing-query " "--version prints the program's name and version"

# Options after the query and -- before a query that starts with a dash.
"$Q" --db "$DB" glacier --limit 1 >/dev/null 2>&1
is "$?" 0 "options may follow the query"
out=$("$Q" --db "$DB" -- -glacier telemetry 2>&1)
rc=$?
[ "$rc" -le 1 ]
is "$?" 0 "-- ends the options (query starting with a dash runs)"

done_testing
