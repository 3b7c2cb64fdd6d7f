#!/bin/bash
# t250-query-color.t - briefing-query's terminal output: highlights, --color, NO_COLOR, plain when piped.
. "$(dirname "$0")/lib.sh"

Q=$BIN/briefing-query
[ -x "$Q" ] && [ -x "$BIN/briefing-index" ] || skip_all "programs are not built"
"$BIN/briefing-index" --db "$TMP/rank.db" "$TOP/tests/data/rank" 2>/dev/null ||
    fail_all "indexing the ranking fixture works"
DB=$TMP/rank.db
ESC=$(printf '\033')

out=$("$Q" --db "$DB" --now 2026-06-01 desalination)
unlike "$out" "$ESC" "piped output is plain (no escape sequences)"
like "$out" "1. Desalination Plant Doubles Its Output" "results are numbered with their titles"
like "$out" "strong-old | CLIMATE | 2024-06-01 | score" "id, category, date and score follow"
like "$out" 'quote: Ines Moreau (Water utility director): "Desalination is no longer a last resort for us."' \
    "a quote is shown with its speaker and role"
like "$out" "1-2 of 2 briefings" "the count closes the output"

out=$("$Q" --db "$DB" --color=always desalination)
like "$out" "${ESC}[1;33mDesalination${ESC}[0m is no longer" "--color=always highlights the matched word"
like "$out" "Membrane ${ESC}[1;33mdesalination${ESC}[0m" "stemmed and lower-case variants are highlighted too"
out=$("$Q" --db "$DB" --color always desalination)
like "$out" "${ESC}[1;33m" "--color always (separate argument) works too"
out=$("$Q" --db "$DB" --color=never desalination)
unlike "$out" "$ESC" "--color=never is plain"

# On a terminal (script(1) gives one), colour is on unless NO_COLOR is set.
if command -v script >/dev/null 2>&1; then
    out=$(script -qec "$Q --db $DB desalination" /dev/null 2>&1)
    like "$out" "${ESC}[1;33m" "colour on a terminal by default"
    out=$(NO_COLOR=1 script -qec "$Q --db $DB desalination" /dev/null 2>&1)
    unlike "$out" "${ESC}[1;33m" "NO_COLOR turns colour off on a terminal"
    out=$(NO_COLOR=1 script -qec "$Q --db $DB --color=always desalination" /dev/null 2>&1)
    like "$out" "${ESC}[1;33m" "--color=always wins over NO_COLOR"
fi

# Escape sequences inside the index's text are not passed to the terminal.
mkdir -p "$TMP/evil"
printf '{"id":"evil","title":"Bad \\u001b[31mred\\u001b[0m title","published":"2026-01-01","overview":["glacier \\u001b]0;pwned\\u0007 text"]}\n' \
    > "$TMP/evil/evil.json"
"$BIN/briefing-index" --db "$TMP/evil.db" "$TMP/evil" 2>/dev/null
out=$("$Q" --db "$TMP/evil.db" glacier)
unlike "$out" "$ESC" "control characters from the index are printed as spaces"
like "$out" "Bad  [31mred" "the rest of the text is kept"

done_testing
