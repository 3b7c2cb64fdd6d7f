#!/bin/bash
# t220-query-json.t - briefing-query on corpus/: --json shape, pagination, filters, facets, passages, highlights, suggestions.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
[ -x "$Q" ] && [ -x "$BIN/briefing-index" ] || skip_all "programs are not built"
command -v jq >/dev/null 2>&1 || skip_all "no jq"
"$BIN/briefing-index" --db "$TMP/corpus.db" "$TOP/corpus" 2>/dev/null ||
    fail_all "indexing corpus/ works"
q() { "$Q" --db "$TMP/corpus.db" --now 2026-06-01 "$@"; }

# --- shape, compared after normalising with jq ---
out=$(q --json --facets --explain --limit 2 'export controls')
is "$?" 0 "a query that matches exits 0"
is "$(echo "$out" | jq -c 'keys_unsorted')" \
    '["version","query","understood","warnings","mode","sort","total","total_exact","matched_all","offset","limit","results","facets","facets_of","took_ms"]' \
    "top-level members, in order"
is "$(echo "$out" | jq -c '{version, query, mode, sort, offset, limit, w: (.warnings | type), t: (.total | type), total_exact, f: (.facets_of == .total)}')" \
    '{"version":1,"query":"export controls","mode":"briefings","sort":"hybrid","offset":0,"limit":2,"w":"array","t":"number","total_exact":true,"f":true}' \
    "top-level values"
is "$(echo "$out" | jq -c '.results[0] | keys_unsorted')" \
    '["id","title","title_marks","category","published","score","partial","explain","passages"]' \
    "members of a result"
is "$(echo "$out" | jq -c '.results[0].passages[0] | keys_unsorted')" \
    '["seq","kind","part","heading","heading_marks","speaker","speaker_marks","role","role_marks","outlet","url","date","snippet","marks"]' \
    "members of a passage"
is "$(echo "$out" | jq -r '[.results[].published | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | all')" true \
    "published is a YYYY-MM-DD date"
is "$(echo "$out" | jq -r '[.results[] | (.passages | length) <= 3] | all')" true \
    "at most 3 passages per result by default"
is "$(echo "$out" | jq -c '.facets | keys_unsorted')" '["category","kind","year"]' "facet groups"
is "$(echo "$out" | jq -r '.understood')" "export AND control" "understood shows the stemmed query"

# --- every mark covers a stemmed variant of a query word ---
out=$(q --json --limit 5 'regulating ai')
words=$(echo "$out" | jq '[.results[].passages[].marks[]] | length')
[ "$words" -gt 0 ]
ok $? "snippets carry marks"
allok=1
while IFS= read -r line; do
    snip=$(echo "$line" | jq -r '.s')
    for m in $(echo "$line" | jq -r '.m[] | "\(.[0]):\(.[1])"'); do
        s=${m%:*} e=${m#*:}
        w=$(printf '%s' "$snip" | head -c "$e" | tail -c "$((e - s))")
        case $(printf '%s' "$w" | tr 'A-Z' 'a-z') in
        regul* | ai) ;;
        *) allok=0; echo "# unexpected mark '$w'" ;;
        esac
    done
done < <(echo "$out" | jq -c '.results[].passages[] | {s: .snippet, m: .marks}')
is "$allok" 1 "marks are byte ranges of stemmed variants (regulat*, ai)"
is "$(echo "$out" | jq -r '[.results[].passages[].snippet | test("[Rr]egulat")] | any')" true \
    "stemmed variants are found: regulating finds regulat*"

# --- pagination: pages put together give the whole list; the total is exact ---
all=$(q --json --all --limit 100 'export controls' | jq -c '[.results[].id]')
n=$(echo "$all" | jq length)
[ "$n" -ge 4 ]
ok $? "enough matches to page through ($n)"
pages='[]'
for off in 0 3 6 9 12; do
    page=$(q --json --all --limit 3 --offset $off 'export controls')
    is "$(echo "$page" | jq .total)" "$n" "total is exact on the page at offset $off"
    pages=$(jq -c -n --argjson a "$pages" --argjson b "$(echo "$page" | jq -c '[.results[].id]')" '$a + $b')
done
is "$pages" "$all" "pages in order make up the full result list"
out=$(q --json --all --limit 3 --offset 500 'export controls')
is "$(echo "$out" | jq -c '[.total, (.results | length)]')" "[$n,0]" "a page past the end is empty, total kept"
q --all --limit 3 --offset 500 'export controls' >/dev/null
is "$?" 0 "exit 0 when there are matches, even on an empty page"

# --- partial matches: total counts both kinds when the page needs them ---
out=$(q --json --limit 100 'export controls')
is "$(echo "$out" | jq -r '.total == (.results | length)')" true "total equals the listed results"
is "$(echo "$out" | jq -r '[.results[] | select(.partial | not)] | length')" \
    "$(echo "$out" | jq -r .matched_all)" "matched_all counts the results with every word"

# --- facets ---
out=$(q --json --facets --all --limit 1 'export controls')
t=$(echo "$out" | jq .total)
is "$(echo "$out" | jq '[.facets.category[]] | add')" "$t" "category facet counts add up to the total"
is "$(echo "$out" | jq '[.facets.year[]] | add')" "$t" "year facet counts add up to the total"
is "$(echo "$out" | jq "[.facets.kind[] | . <= $t] | all")" true "kind facet counts are at most the total"
tech=$(echo "$out" | jq '.facets.category.TECH // 0')
is "$(q --json --all --category TECH 'export controls' | jq .total)" "$tech" \
    "the TECH facet count is the total of --category TECH"

# --- filters, from options and from the query ---
out=$(q --json --limit 100 --category tech 'export controls')
is "$(echo "$out" | jq -r '[.results[].category == "TECH"] | all')" true "--category keeps that category (any case)"
is "$(q --json --limit 100 'category:TECH export controls' | jq -c '[.results[].id]')" \
    "$(echo "$out" | jq -c '[.results[].id]')" "category: in the query does the same"
is "$(q --json --category TECH 'category:health export controls' | jq .total)" 0 \
    "two different categories match nothing"
out=$(q --json --limit 100 --after 2024 'export controls')
is "$(echo "$out" | jq -r '[.results[].published >= "2024-01-01"] | all')" true "--after 2024: on or after 2024-01-01"
[ "$(echo "$out" | jq .total)" -gt 0 ]
ok $? "--after leaves some matches"
is "$(q --json --limit 100 'after:2024 export controls' | jq -c '[.results[].id]')" \
    "$(echo "$out" | jq -c '[.results[].id]')" "after: in the query does the same"
out=$(q --json --limit 100 --before 2023-01 'export controls')
is "$(echo "$out" | jq -r '[.results[].published < "2023-01-01"] | all')" true "--before 2023-01: before 2023-01-01"
out=$(q --json --limit 100 --after 2022-08 --before 2022-09 'chips')
is "$(echo "$out" | jq -r '[.results[].published | startswith("2022-08")] | all')" true \
    "--after and --before combine (month precision)"
out=$(q --json --limit 100 --kind quote vaccine)
is "$(echo "$out" | jq -r '[.results[].passages[].kind == "quote"] | all')" true "--kind quote shows quotes only"
[ "$(echo "$out" | jq '[.results[].passages[]] | length')" -gt 0 ]
ok $? "--kind quote finds quotes"
is "$(q --json --limit 100 'kind:quote vaccine' | jq -c '[.results[].id]')" \
    "$(echo "$out" | jq -c '[.results[].id]')" "kind: in the query does the same"

# --- passages ---
out=$(q --json --passages --limit 100 --speaker 'Lena Hoffmann')
is "$(echo "$out" | jq -r .mode)" passages "--passages lists passages"
is "$(echo "$out" | jq -r '[.results[].speaker == "Dr. Lena Hoffmann"] | all')" true \
    "--speaker keeps that speaker's quotes"
is "$(echo "$out" | jq -r '.total == (.results | length)')" true "passage total is exact"
is "$(echo "$out" | jq -r '[.results[].speaker_marks | length > 0] | all')" true "the speaker's name is highlighted"
out2=$(q --json --passages --limit 100 'speaker:"Lena Hoffmann"')
is "$(echo "$out2" | jq .total)" "$(echo "$out" | jq .total)" 'speaker:"..." in the query finds the same quotes'
out=$(q --json --passages --limit 2 --offset 1 --speaker 'Lena Hoffmann')
is "$(echo "$out" | jq -c '[(.results | length), .offset]')" "[2,1]" "passages paginate"

# --- suggestions ---
out=$(q --json 'antrhopic pretrianing')
is "$?" 1 "a misspelt query exits 1"
is "$(echo "$out" | jq -c '[.total, .suggestion]')" '[0,"anthropic pretraining"]' \
    "antrhopic pretrianing suggests anthropic pretraining"
q 'anthropic pretraining' >/dev/null
is "$?" 0 "the suggestion finds something"
txt=$(q 'antrhopic pretrianing')
like "$txt" "did you mean: anthropic pretraining" "the suggestion in text output"
is "$(q --json --no-suggest 'antrhopic pretrianing' | jq -r 'has("suggestion")')" false "--no-suggest"
is "$(q --json 'qqqzzzxxx' | jq -r 'has("suggestion")')" false "no suggestion when nothing is near"

# --- verbose and warnings ---
txt=$(q --verbose 'export controls')
like "$txt" "query: export AND control" "--verbose prints the query as understood"
out=$(q --json 'export "controls')
is "$(echo "$out" | jq -r '.warnings | length > 0')" true "input read as plain text gives a warning"

# --- text that is not UTF-8 keeps its place in the JSON ---
out=$(q --json "$(printf 'chips \377\376 export')")
is "$(echo "$out" | jq -r .query)" "chips ?? export" "invalid UTF-8 in the query is echoed with '?' for each bad byte"

# --- sort names in the JSON ---
is "$(q --json --sort date chips | jq -r .sort)" date "--sort date is reported"
is "$(q --json --sort date --limit 100 chips | jq -r '[.results[].published] | . == (sort | reverse)')" true \
    "--sort date lists newest first"

done_testing
