#!/bin/bash
# t210-query-ranking.t - ranking through briefing-query on the fixture corpus tests/data/rank.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
[ -x "$Q" ] && [ -x "$BIN/briefing-index" ] || skip_all "programs are not built"
command -v jq >/dev/null 2>&1 || skip_all "no jq"
"$BIN/briefing-index" --db "$TMP/rank.db" "$TOP/tests/data/rank" 2>/dev/null ||
    fail_all "indexing the ranking fixture works"

# ids OPTIONS... QUERY: the result ids, space-separated, "today" fixed.
ids() {
    "$Q" --db "$TMP/rank.db" --now 2026-06-01 --json "$@" | jq -r '[.results[].id] | join(" ")'
}
scores() {
    "$Q" --db "$TMP/rank.db" --now 2026-06-01 --json "$@" | jq -r '[.results[].score] | join(" ")'
}

is "$(ids 'glacier telemetry')" "same-text-new same-text-old" \
    "equal text: newest first under the default (hybrid) sort"
is "$(ids --sort date 'glacier telemetry')" "same-text-new same-text-old" \
    "equal text: newest first under --sort date"
s=$(scores --sort relevance 'glacier telemetry')
set -- $s
is "$1" "$2" "equal text: equal scores under --sort relevance"
s=$(scores 'glacier telemetry')
set -- $s
[ "$(jq -n "$1 > $2")" = true ]
ok $? "equal text: the newer scores higher under hybrid"

is "$(ids --sort relevance annealing)" "title-match body-mention" \
    "a title match beats a passing mention in a body"
is "$(ids desalination)" "strong-old weak-new" \
    "a strongly relevant two-year-old briefing beats a barely relevant one from last week"
is "$(ids --sort date desalination)" "weak-new strong-old" "...while --sort date puts last week's first"
s1=$(scores desalination | cut -d' ' -f1)
s2=$(scores --half-life 30 desalination | cut -d' ' -f1)
is "$(jq -n "$s2 < $s1")" true "a shorter --half-life lowers an old briefing's score"
rec=$("$Q" --db "$TMP/rank.db" --now 2026-06-01 --json --explain --half-life 30 desalination |
    jq -r '.results[0].explain.recency')
is "$rec" 0.5 "...down to the floor of the recency factor, never below"
is "$(ids 'cobalt smelting')" "phrase-adjacent phrase-scattered" \
    "words side by side outrank the same words scattered"
is "$(ids '"cobalt smelting"')" "phrase-adjacent" "a quoted phrase matches only where it occurs"
is "$(ids --sort relevance geothermal)" "multi-place single-place" \
    "a briefing matching in several places beats one with a single mention"

# Partial matching: all words first, then most words.
out=$("$Q" --db "$TMP/rank.db" --now 2026-06-01 --json 'geothermal town wells')
is "$(echo "$out" | jq -r '.matched_all')" 1 "one briefing has all three words"
is "$(echo "$out" | jq -r '[.results[] | "\(.id):\(.partial)"] | join(" ")')" \
    "multi-place:false single-place:true filler-football:true" \
    "partial matches follow, ordered by how many words they match"
is "$(echo "$out" | jq -r '.total')" 3 "the total counts full and partial matches"
out=$("$Q" --db "$TMP/rank.db" --now 2026-06-01 --json --all 'geothermal town wells')
is "$(echo "$out" | jq -r '.total')" 1 "--all drops partial matches"

# --explain
out=$("$Q" --db "$TMP/rank.db" --now 2026-06-01 --json --explain desalination)
ex=$(echo "$out" | jq -c '.results[0].explain')
is "$(echo "$ex" | jq -r '.recency')" 0.625 "explain: the recency factor of a two-year-old briefing"
is "$(echo "$ex" | jq -r '.age_days')" 730 "explain: its age in days"
is "$(echo "$ex" | jq -r '[.columns | keys[]] | join(" ")')" "analysis article heading quote title" \
    "explain: bm25 by column, for each column that matched"
is "$(echo "$ex" | jq -r '((.columns | add) - .bm25) | fabs < 0.001')" true \
    "explain: the column parts add up to bm25"
is "$(echo "$ex" | jq -r '(.bm25 * .proximity * .recency - .score) | fabs < 0.001')" true \
    "explain: bm25 x proximity x recency = score"
txt=$("$Q" --db "$TMP/rank.db" --now 2026-06-01 --explain desalination)
like "$txt" "explain: bm25 " "explain in text output"
like "$txt" "x recency 0.6250 (730 days old)" "explain shows the recency factor in text"

done_testing
