#!/bin/bash
# t520-hostile-index-file.t - index files that are not good indexes, damaged indexes, and hostile text reaching outputs.
#
# An index FILE that is truncated, text, empty, another SQLite database, a
# FIFO without a writer, a folder, a device or of another schema version:
# briefing-query exits 2 with a clear message (also with --batch), the CGI
# answers 503 without naming the file, and the indexer exits 2 and leaves
# the file as it was. Then: randomly damaged pages never crash a reader;
# escape sequences and markup in the index never reach a terminal or a page.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
QRY=$BIN/briefing-query
CGI=$BIN/briefing.cgi
[ -x "$QRY" ] || skip_all "$QRY is not built"
[ -x "$CGI" ] || skip_all "$CGI is not built"
cd "$TMP" || exit 1

$GEN --out corpus --count 30 >/dev/null
"$IDX" --db good.db corpus 2>/dev/null; is "$?" 0 "the good index is built"
answer() { "$QRY" --db good.db --now 2026-01-01 -n 5 --json treaty summit 2>&1 | jq -c 'del(.took_ms)'; }
BASE=$(answer)

# cgi DB QUERY_STRING: the CGI's whole answer (headers and body, CRs dropped).
cgi() { BRIEFING_DB=$1 REQUEST_METHOD=GET QUERY_STRING=$2 timeout 20 "$CGI" 2>cgi.err | tr -d '\r'; }

size=$(stat -c %s good.db)
head -c $((size / 2)) good.db > trunc.db
echo "just some text" > text.db
: > empty.db
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
cp good.db version.db
sqlite3 version.db "PRAGMA user_version = 99"
# An index of schema 3, the one before: passages with kind, part and col as words.
cp good.db v3.db
sqlite3 v3.db "CREATE TABLE p3(docid INTEGER NOT NULL, seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('article','analysis','quote')), part TEXT NOT NULL,
    col TEXT NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL, heading TEXT, speaker TEXT,
    role TEXT, outlet TEXT, url TEXT, date TEXT, PRIMARY KEY (docid, seq)) WITHOUT ROWID;
  INSERT INTO p3 SELECT (SELECT docid FROM briefings b WHERE b.serial = passages.serial), seq,
    CASE WHEN part <= 4 THEN 'article' WHEN part = 5 THEN 'analysis' ELSE 'quote' END,
    CASE part WHEN 0 THEN 'overview' WHEN 1 THEN 'timeline' WHEN 2 THEN 'player'
      WHEN 3 THEN 'cited' WHEN 4 THEN 'broadcast' WHEN 5 THEN 'section' WHEN 6 THEN 'analyst'
      WHEN 7 THEN 'crowd' ELSE 'quote' END,
    CASE WHEN part <= 4 THEN 'article' WHEN part = 5 THEN 'analysis' ELSE 'quote' END,
    off, len, heading, speaker, role, outlet, url, date FROM passages;
  DROP TABLE passages; ALTER TABLE p3 RENAME TO passages; PRAGMA user_version = 3"
mkfifo fifo.db
mkdir folder.db

# case FILE REASON: the query tool, --batch, the CGI and the indexer on FILE.
case_file() {
    f=$1 want=$2
    [ -f "$f" ] && cp "$f" "$f.orig"
    out=$(timeout 20 "$QRY" --db "$f" treaty 2>&1); rc=$?
    is "$rc" 2 "$f: briefing-query exits 2"
    is "$out" "briefing-query: $want" "$f: briefing-query says why"
    out=$(echo treaty | timeout 20 "$QRY" --db "$f" --batch 2>&1); rc=$?
    is "$rc" 2 "$f: briefing-query --batch exits 2"
    page=$(cgi "$f" "q=treaty"); rc=$?
    is "$rc:$(echo "$page" | head -n 1)" "0:Status: 503 Service Unavailable" "$f: the CGI answers 503"
    unlike "$page" "$f" "$f: the CGI page does not name the file"
    is "$(cat cgi.err)" "briefing.cgi: $want" "$f: the CGI logs why on stderr"
    out=$(timeout 20 "$IDX" --db "$f" corpus 2>&1); rc=$?
    is "$rc:$out" "2:briefing-index: $want" "$f: briefing-index exits 2 and says why"
    out=$(timeout 20 "$IDX" --db "$f" --full corpus 2>&1); rc=$?
    is "$rc" 2 "$f: briefing-index --full exits 2 too (it never replaces what it cannot read)"
    if [ -f "$f.orig" ]; then
        cmp -s "$f" "$f.orig"; ok $? "$f: the file is left as it was"
    else
        [ -e "$f" ] && [ ! -f "$f" ]; ok $? "$f: the special file is left as it was"
    fi
    ls "$f".tmp-* >/dev/null 2>&1; ok $((! $?)) "$f: no temporary copy is left"
}

case_file trunc.db "'trunc.db' is not a briefing index: database disk image is malformed"
case_file text.db "'text.db' is not a briefing index: file is not a database"
case_file empty.db "'empty.db' is not a briefing index"
case_file other.db "'other.db' is not a briefing index"
case_file version.db "'version.db' has schema version 99, this program reads version 5"
case_file v3.db "'v3.db' has schema version 3, this program reads version 5"
case_file fifo.db "'fifo.db' is not a briefing index: not a regular file"
case_file folder.db "'folder.db' is not a briefing index: not a regular file"
case_file /dev/zero "'/dev/zero' is not a briefing index: not a regular file"
out=$("$QRY" --db missing.db treaty 2>&1); rc=$?
is "$rc:$out" "2:briefing-query: cannot open index 'missing.db': No such file or directory" \
   "a missing index: exit 2 and a message"
is "$(answer)" "$BASE" "after the bad index files the good index answers as before"

# --- randomly damaged pages: readers exit 0, 1 or 2 with a message, never crash ---
pages=$((size / 4096))
bad=0 seen2=0 saw500=0
for i in $(seq 1 12); do
    cp good.db dam.db
    p=$(( (i * 7919) % (pages - 1) + 1 ))
    perl -e 'srand($ARGV[0]); print chr(int rand 256) for 1 .. 4096' "$i" |
        dd of=dam.db bs=4096 seek="$p" conv=notrunc status=none
    out=$(timeout 10 "$QRY" --db dam.db --json --facets --explain treaty summit 2>&1 >/dev/null); rc=$?
    case $rc in
    0|1) [ -z "$out" ] || { bad=1; echo "# page $p: exit $rc with: $out"; } ;;
    2) seen2=1; case $out in "briefing-query: "*) ;; *) bad=1; echo "# page $p: $out" ;; esac ;;
    *) bad=1; echo "# page $p: exit $rc: $out" ;;
    esac
    page=$(cgi dam.db "q=treaty+summit"); rc=$?
    case "$rc:$(echo "$page" | head -n 1)" in
    "0:Status: 200 OK"|"0:Status: 503 Service Unavailable") ;;
    "0:Status: 500 Internal Server Error") saw500=1 ;;
    *) bad=1; echo "# page $p: CGI exit $rc: $(echo "$page" | head -n 1)" ;;
    esac
done
is "$bad" 0 "12 damaged copies: every reader exits 0, 1 or 2, the CGI answers with a status"
is "$seen2" 1 "some damage is noticed and reported (exit 2)"
is "$saw500" 0 "the CGI answers damage found during a search with 503, not 500"

# --- hostile text in the index never drives a terminal or a page ---
mkdir evil
printf '%s\n' '{"id":"evil\u001b[31mid","title":"Evil \u001b]0;pwned\u0007 title \u009b31m csi <script>alert(1)</script>",' \
    '"category":"TE\u001bCH","published":"2026-01-01",' \
    '"overview":["evilword \u001b[2J clear \u0085 nel"],' \
    '"quotes":[{"text":"evilword said \"><img src=x onerror=alert(2)>","speaker":"Bob \u001b[5m","role":"r\u009b1m"}],' \
    '"analysis":[{"heading":"H\u001b[7m</textarea>","body":"evilword body & more"}],' \
    '"articles":[{"title":"A","url":"javascript:alert(3)","outlet":"O\u001b[0m"}]}' > evil/e.json
"$IDX" --db evil.db evil 2>/dev/null; is "$?" 0 "a briefing with escapes and markup is indexed (it is valid)"
out=$("$QRY" --db evil.db --color never --facets --explain -v evilword)
is "$?" 0 "its text is found"
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$out"; ok $((! $?)) "text output: no C0 control (ESC, BEL) from the index"
LC_ALL=C grep -q $'\xc2[\x80-\x9f]' <<<"$out"; ok $((! $?)) "text output: no C1 control (CSI, NEL) from the index"
out=$("$QRY" --db evil.db --color never -p evilword)
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' <<<"$out"; ok $((! $?)) "passages output: no control characters"
out=$("$QRY" --db evil.db --color always evilword)
is "$(LC_ALL=C grep -o $'\033[^m]*m' <<<"$out" | sort -u | tr '\n' ' ')" \
   $'\033[0m \033[1;33m \033[1m \033[2m ' "--color always: only our own colour sequences"
json=$("$QRY" --db evil.db --json evilword)
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' <<<"$json"; ok $((! $?)) "JSON output: control characters escaped"
is "$(jq -r '.results[0].id' <<<"$json")" $'evil\033[31mid' "JSON output: the id is intact once decoded"
page=$(cgi evil.db "q=evilword")
like "$(echo "$page" | head -n 1)" "Status: 200 OK" "the CGI finds it"
unlike "$page" "<script>alert" "HTML: a <script> in a title is escaped"
unlike "$page" "<img src=x" "HTML: markup in a quote is escaped"
unlike "$page" "</textarea>" "HTML: a closing tag in a heading is escaped"
unlike "$page" 'href="javascript:' "HTML: a javascript: URL is never a link"
LC_ALL=C grep -q $'[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' <<<"$page"
ok $((! $?)) "HTML: no raw C0 control characters (ESC, BEL: invalid in HTML)"
page=$(cgi evil.db "q=evilword&format=json")
jq -e . >/dev/null 2>&1 <<<"$(echo "$page" | sed '1,/^\r\{0,1\}$/d')"; ok $? "the CGI's JSON answer is valid JSON"

# --- hostile queries: bounded, never an error ---
long=$(perl -e 'print "treaty " x 15000')
out=$("$QRY" --db good.db -v "$long" 2>&1 | grep '^warning:'); rc=${PIPESTATUS[0]}
is "$out" "warning: query longer than 10240 bytes cut
warning: query cut to 64 terms" "a 105 KB query is cut to 10240 bytes and 64 terms"
deep=$(perl -e 'print "(" x 50000, "treaty", ")" x 50000')
out=$(timeout 20 "$QRY" --db good.db -v "$deep" 2>&1 | grep -c 'nested deeper than 32'); rc=$?
is "$out" 1 "parentheses 50,000 deep are read as text beyond depth 32"
out=$(timeout 20 "$QRY" --db good.db -v $'treaty\xff\x1b[2J' 2>&1); rc=$?
is "$rc" 0 "a query with invalid UTF-8 and ESC still searches"
like "$out" "warning: invalid UTF-8 bytes dropped" "invalid UTF-8 in a query is dropped with a warning"
like "$out" "warning: control characters read as spaces" "control characters in a query are spaces"
out=$(perl -e 'print "{\"q\":\"", "treaty " x 100000, "\"}\n{\"q\":\"a\\u0000b\"}\nsummit\n"' |
      timeout 20 "$QRY" --db good.db --batch 2>&1); rc=$?
is "$rc" 0 "--batch: a 700 KB line and a \\u0000 line are answered, the batch goes on"
is "$(jq -r '.line' <<<"$out" | tr '\n' ' ')" "1 2 3 " "--batch: one answer per line"
like "$(sed -n 2p <<<"$out")" '"error":"not valid JSON: \\u0000 is not allowed' "--batch: \\u0000 is an error object"
is "$(answer)" "$BASE" "after the hostile queries the good index answers as before"

done_testing
