#!/bin/bash
# t240-query-hostile.t - every query of tests/data/hostile-queries.txt exits 0 or 1, leaks no SQL or FTS5 text, never crashes.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
LIST=$TOP/tests/data/hostile-queries.txt
[ -x "$Q" ] && [ -x "$BIN/briefing-index" ] || skip_all "programs are not built"
[ -f "$LIST" ] || skip_all "no $LIST"
command -v perl >/dev/null 2>&1 || skip_all "no perl"
"$BIN/briefing-index" --db "$TMP/corpus.db" "$TOP/corpus" 2>/dev/null ||
    fail_all "indexing corpus/ works"

# Decode the list's escapes (\xHH, \n, \t, \r, \\; \x00 ends a query) and
# write the queries NUL-separated.
perl -ne '
    next if /^##/;
    chomp;
    s/\\(x([0-9a-fA-F]{2})|[ntr\\])/
        defined $2 ? chr(hex $2) : $1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1 eq "r" ? "\r" : "\\"/ge;
    s/\x00.*//s;
    print $_, "\0";
' "$LIST" > "$TMP/queries"

n=0
bad=0
while IFS= read -r -d '' query; do
    n=$((n + 1))
    # Odd queries through the text renderer (passages, explain, colour),
    # even ones as JSON with facets: one run each keeps the test quick.
    for mode in $([ $((n % 2)) -eq 1 ] && echo text || echo json); do
        if [ $mode = json ]; then
            out=$("$Q" --db "$TMP/corpus.db" --json --facets -- "$query" 2>&1)
        else
            out=$("$Q" --db "$TMP/corpus.db" --passages --explain --color=always -- "$query" 2>&1)
        fi
        rc=$?
        why=
        [ "$rc" -le 1 ] || why="exit $rc"
        case $out in
        *fts5* | *FTS5* | *SQL* | *sqlite* | *"syntax error"*) why="$why, leaks SQL/FTS5 text" ;;
        *AddressSanitizer* | *"runtime error:"* | *LeakSanitizer*) why="$why, sanitizer report" ;;
        esac
        if [ $mode = json ] && [ "$rc" -le 1 ] && ! printf '%s' "$out" | jq -e '.total >= 0' >/dev/null 2>&1; then
            why="$why, not a JSON answer"
        fi
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            printf '# query %d (%s): %s\n' "$n" "$mode" "$why"
            printf '%s\n' "$out" | head -5 | sed 's/^/#   /'
        fi
    done
done < "$TMP/queries"
[ "$n" -ge 150 ]
ok $? "at least 150 hostile queries ($n)"
is "$bad" 0 "every hostile query exits 0 or 1 with a clean answer"

# The same lines (undecoded) through --batch: one answer per line, no error.
grep -v '^##' "$LIST" > "$TMP/lines"
out=$("$Q" --db "$TMP/corpus.db" --batch < "$TMP/lines" 2>&1)
is "$?" 0 "--batch over the hostile lines exits 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" "$(wc -l < "$TMP/lines" | tr -d ' ')" \
    "one answer per hostile line"
errs=$(printf '%s\n' "$out" | jq -r 'select(.error != null and (.error | test("not valid JSON|member") | not)) | .error' 2>&1)
is "$errs" "" "no hostile line fails (except JSON lines that are not valid batch objects)"
unlike "$out" "fts5" "batch answers do not mention fts5"
unlike "$out" "syntax error" "batch answers do not mention syntax errors"

done_testing
