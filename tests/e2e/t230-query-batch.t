#!/bin/bash
# t230-query-batch.t - briefing-query --batch: one JSON answer per line, written as each line is read.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
[ -x "$Q" ] && [ -x "$BIN/briefing-index" ] || skip_all "programs are not built"
command -v jq >/dev/null 2>&1 || skip_all "no jq"
"$BIN/briefing-index" --db "$TMP/rank.db" "$TOP/tests/data/rank" 2>/dev/null ||
    fail_all "indexing the ranking fixture works"
DB=$TMP/rank.db

# A whole batch at once, with a bad line in the middle.
out=$(printf '%s\n' 'glacier telemetry' '{"q": "desalination", "limit": 1, "now": "2026-06-01"}' \
    '{"q": 5}' '{not json' 'zyzzyvazyx' '{"q": "geothermal", "sort": "sideways"}' \
    '{"q": "geothermal", "kind": "quote", "passages": true}' '' |
    "$Q" --db "$DB" --batch)
is "$?" 0 "a batch with bad lines exits 0"
is "$(echo "$out" | wc -l | tr -d ' ')" 8 "one output line per input line"
is "$(echo "$out" | jq -c '[.line, .total, .error != null]' | tr '\n' ' ')" \
    '[1,2,false] [2,2,false] [3,null,true] [4,null,true] [5,0,false] [6,null,true] [7,1,false] [8,0,false] ' \
    "answers and error objects, in input order, each with its line number"
is "$(echo "$out" | sed -n 2p | jq -c '[.limit, (.results | length), .results[0].id]')" '[1,1,"strong-old"]' \
    "a JSON line's options apply to its query"
is "$(echo "$out" | sed -n 3p | jq -r .error)" \
    "member 'q' (the query text) is required and must be a string" "a bad member is named"
like "$(echo "$out" | sed -n 4p | jq -r .error)" "not valid JSON" "a broken JSON line says so"
is "$(echo "$out" | sed -n 7p | jq -r '.results[0].kind')" quote "kind and passages in a JSON line"

# Command-line options are the defaults of every line.
out=$(printf '%s\n' 'glacier telemetry' '{"q": "glacier telemetry", "limit": 2}' |
    "$Q" --db "$DB" --batch --limit 1)
is "$(echo "$out" | jq -c '.results | length' | tr '\n' ' ')" "1 2 " "options are defaults; a line overrides them"

# Answers come as soon as each line is read, before standard input closes.
coproc QP { "$Q" --db "$DB" --batch; }
# Kept now: bash unsets QP_PID as soon as the coprocess has exited, which
# may be before the wait below.
qp_pid=$QP_PID
echo 'glacier telemetry' >&"${QP[1]}"
if IFS= read -r -t 20 line <&"${QP[0]}"; then got=1; else got=0; fi
is "$got" 1 "the first answer arrives while standard input is still open"
is "$(echo "$line" | jq -c '[.line, .total]')" "[1,2]" "...and it is the answer to the first line"
echo '{"q": 42}' >&"${QP[1]}"
IFS= read -r -t 20 line <&"${QP[0]}"
is "$(echo "$line" | jq -c '[.line, (.error | type)]')" '[2,"string"]' "a bad line answers with an error object"
echo 'desalination' >&"${QP[1]}"
IFS= read -r -t 20 line <&"${QP[0]}"
is "$(echo "$line" | jq -c '[.line, .total]')" "[3,2]" "the batch goes on after a bad line"
exec {QP[1]}>&-
wait "$qp_pid"
is "$?" 0 "the batch ends with standard input, exit 0"

# An unusable index is an error before any line is read.
out=$(echo glacier | "$Q" --db "$TMP/none.db" --batch 2>&1)
is "$?" 2 "--batch on a missing index exits 2"

done_testing
