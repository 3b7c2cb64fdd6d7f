#!/bin/bash
# t110-index-bad-inputs.t - briefing-index rejects bad files with their place and reason, indexes the rest.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
cd "$TMP" || exit 1

mkdir bad
printf '{"title": "x",\n "published": "2026-01-01",}\n' > bad/malformed.json
echo '{"published":"2026-01-01"}' > bad/notitle.json
echo '{"title":"T","published":"2026-01-01","signals":"many"}' > bad/types.json
echo '{"title":["T"],"published":"2026-01-01"}' > bad/types2.json
perl -e 'srand(1); print chr(int rand 256) for 1..4096' > bad/garbage.json
perl -e 'srand(2); print chr(int rand 256) for 1..4096' > bad/garbage.txt
: > bad/empty.json
printf '{"id":"l1","title":"L1","published":"2026-01-01"}\n{"id":"l2","title":"L2"}\n\n{"id":"l3","title":"L3 goodline","published":"2026-01-02"}\n' > bad/lines.jsonl
echo '{"title":"Good one","published":"2026-02-03","overview":["A fine goodword."]}' > bad/good.json

# A 20 MB briefing, made here rather than stored.
perl -e 'my @w = qw(alpha beta gamma delta market policy chip court); my ($s, $i) = ("", 0);
  while (length($s) < 20 * 1024 * 1024) { $s .= $w[$i++ % 8] . " "; $s .= "\\n\\n" if $i % 200 == 0 }
  print "{\"title\":\"Huge\",\"published\":\"2026-01-01\",\"analysis\":[{\"heading\":\"All\",\"body\":\"${s}zebrafinale\"}]}\n"' \
  > bad/huge.json
[ "$(stat -c %s bad/huge.json)" -gt 20000000 ]; ok $? "the big briefing is over 20 MB"

"$IDX" --db bad.db --report report.json bad 2>err; rc=$?
is "$rc" 1 "some files rejected: exit 1"
is "$(cat err | grep -c "^briefing-index: 'bad/")" 8 "one message per rejected file or line"
grep -qx "briefing-index: 'bad/malformed.json':2:28: string or '}' expected near '}'" err
ok $? "malformed JSON: path, line, column and reason"
like "$(cat err)" "briefing-index: 'bad/notitle.json':1:1: missing required field 'title'" "a missing title is named"
like "$(cat err)" "briefing-index: 'bad/types.json':1:" "a field of the wrong type is reported"
like "$(cat err)" "field 'signals' must be a non-negative integer" "the wrong type is explained"
like "$(cat err)" "briefing-index: 'bad/types2.json':" "a title of the wrong type is reported"
like "$(cat err)" "briefing-index: 'bad/garbage.json':" "binary garbage (.json) is reported"
like "$(cat err)" "briefing-index: 'bad/garbage.txt':" "binary garbage (.txt) is reported"
like "$(cat err)" "briefing-index: 'bad/empty.json':" "an empty file is reported"
like "$(cat err)" "briefing-index: 'bad/lines.jsonl':2:" "a bad JSON Lines line is reported with its line"
like "$(cat err)" "rejected 8 in " "the summary counts the rejections"
is "$(sqlite3 bad.db "SELECT group_concat(id, ' ') FROM (SELECT id FROM briefings ORDER BY id)")" \
   "good huge l1 l3" "the good files and lines are indexed"
is "$(q bad.db "SELECT b.id FROM search s JOIN briefings b ON b.docid = s.rowid WHERE search MATCH 'zebrafinale'")" \
   "huge" "the 20 MB briefing is searchable to its last word"
is "$(q bad.db "SELECT count(*) FROM search WHERE search MATCH 'goodline OR goodword'")" 2 \
   "good briefings beside bad ones are searchable"

# --report
is "$(jq -r '[.added, .updated, .removed, .rejected, .exit] | join(" ")' report.json)" "4 0 0 8 1" \
   "--report has the counts and the exit code"
is "$(jq -r '.rejections[] | select(.path == "bad/malformed.json") | "\(.line):\(.column) \(.reason)"' report.json)" \
   "2:28 string or '}' expected near '}'" "--report lists each rejection"

# Fix one file, break another: exit code and counts follow.
echo '{"title":"Now titled","published":"2026-01-01"}' > bad/notitle.json
"$IDX" --db bad.db --report report.json bad 2>err; rc=$?
is "$rc" 1 "still some rejected: exit 1"
is "$(jq -r '[.added, .rejected] | join(" ")' report.json)" "1 7" "the fixed file is added, the rest still rejected"

# A corpus with nothing wrong: exit 0.
mkdir fine
cp bad/good.json fine/
"$IDX" --db fine.db fine 2>/dev/null; is "$?" 0 "a clean corpus: exit 0"

# --parse prints what it can and exits 1.
out=$("$IDX" --parse bad/lines.jsonl bad/malformed.json 2>err); rc=$?
is "$rc" 1 "--parse with rejections exits 1"
is "$(echo "$out" | jq -r .id | tr '\n' ' ')" "l1 l3 " "--parse prints the good briefings"
is "$(wc -l < err)" 2 "--parse reports each rejection on stderr"

# An unreadable file (only meaningful when not root).
if [ "$(id -u)" != 0 ]; then
    mkdir locked
    echo '{"title":"Secret","published":"2026-01-01"}' > locked/s.json
    chmod 000 locked/s.json
    err=$("$IDX" --db locked.db locked 2>&1); rc=$?
    is "$rc" 1 "an unreadable file: exit 1"
    like "$err" "'locked/s.json': Permission denied" "an unreadable file is named"
    chmod 644 locked/s.json
else
    ok 0 "# SKIP running as root: permissions do not stop reads"
fi

done_testing
