#!/bin/bash
# t500-hostile-corpus.t - hostile corpus files: exact message and exit code for each, and the last good index answers as before.
#
# One index is built from a good corpus; each case then puts hostile files
# in corpus/h/, runs the indexer over corpus/ and checks the message and the
# exit code, then removes corpus/h/ and checks that the same known query
# gives the same answer as before the case (nothing lost, nothing added).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
QRY=$BIN/briefing-query
[ -x "$QRY" ] || skip_all "$QRY is not built"
HOSTILE=$TOP/tests/data/hostile
cd "$TMP" || exit 1

$GEN --out corpus --count 40 >/dev/null
"$IDX" --db db corpus 2>/dev/null; is "$?" 0 "the good corpus is indexed"

# answer: the known query's answer, fixed in time.
answer() { "$QRY" --db db --now 2026-01-01 -n 5 --json treaty summit 2>&1 | jq -c 'del(.took_ms)'; }
BASE=$(answer)
like "$BASE" '"total":' "the known query answers"

# run_case NAME: indexes corpus/ (with the case in corpus/h/) into db; sets rc and err.
run_case() {
    timeout 20 "$IDX" --db db corpus 2>err; rc=$?
    err=$(cat err)
}

# after_case NAME: corpus/h/ goes, the index is brought back, the answer is unchanged.
after_case() {
    rm -rf corpus/h
    "$IDX" --db db corpus 2>/dev/null
    is "$(answer)" "$BASE" "$1: the last good index answers the known query as before"
}

# --- invalid UTF-8 ---
mkdir corpus/h
cp "$HOSTILE/bad-utf8.json" "$HOSTILE/bad-utf8.txt" "$HOSTILE/bad-utf8.jsonl" corpus/h/
run_case
is "$rc" 1 "invalid UTF-8: exit 1"
is "$(grep -c "^briefing-index: 'corpus/h/" err)" 3 "invalid UTF-8: one message per file"
like "$err" "briefing-index: 'corpus/h/bad-utf8.json':1:14: unable to decode byte 0xff near '\"Bad '" \
    "invalid UTF-8 in .json: place and byte"
like "$err" "briefing-index: 'corpus/h/bad-utf8.txt':1:7: invalid UTF-8 byte 0xff" \
    "invalid UTF-8 in .txt: place and byte"
like "$err" "briefing-index: 'corpus/h/bad-utf8.jsonl':2:25: unable to decode byte 0xc3 near '\"Half '" \
    "invalid UTF-8 in a .jsonl line: line, column and byte"
is "$(sqlite3 -readonly db "SELECT count(*) FROM briefings WHERE id = 'utf-ok'")" 1 \
    "the good line beside it is indexed"
after_case "invalid UTF-8"

# --- NUL bytes: raw, and as \u0000 ---
mkdir corpus/h
printf '{"title":"Nul \0 raw","published":"2026-01-01"}\n' > corpus/h/raw-nul.json
printf 'Title \0 x\nTECH\n' > corpus/h/raw-nul.txt
printf '{"id":"n1","title":"N\0ul","published":"2026-01-01"}\n' > corpus/h/raw-nul.jsonl
printf '{"title":"ok","published":"2026-01-01"}\0trailing' > corpus/h/nul-after.json
cp "$HOSTILE/escaped-nul.json" corpus/h/
run_case
is "$rc" 1 "NUL bytes: exit 1"
is "$(grep -c "^briefing-index: 'corpus/h/" err)" 5 "NUL bytes: one message per file"
like "$err" "briefing-index: 'corpus/h/raw-nul.json':1:14: control character 0x0 near '\"Nul '" \
    "a raw NUL inside a JSON string"
like "$err" "briefing-index: 'corpus/h/raw-nul.txt':1:7: NUL byte in text" "a raw NUL in a text export"
like "$err" "briefing-index: 'corpus/h/raw-nul.jsonl':1:21: control character 0x0 near '\"N'" \
    "a raw NUL inside a .jsonl line"
like "$err" "briefing-index: 'corpus/h/nul-after.json':1:40: " "a raw NUL after the JSON object"
like "$err" "briefing-index: 'corpus/h/escaped-nul.json':1:25: \\u0000 is not allowed near '\"Nul \\u0000 esc\"'" \
    "a \\u0000 escape"
after_case "NUL bytes"

# --- nesting 100,000 deep ---
mkdir corpus/h
perl -e 'print "[" x 100000, "]" x 100000' > corpus/h/deep-array.json
perl -e 'print "{\"title\":\"d\",\"published\":\"2026-01-01\",\"x\":", "{\"a\":" x 100000, "1", "}" x 100000, "}"' \
    > corpus/h/deep-object.json
perl -e 'print "{\"id\":\"d\",\"title\":\"t\",\"published\":\"2026-01-01\",\"x\":", "[" x 100000, "]" x 100000, "}\n"' \
    > corpus/h/deep.jsonl
start=$(date +%s)
run_case
is "$rc" 1 "deep nesting: exit 1 (no stack overflow)"
like "$err" "briefing-index: 'corpus/h/deep-array.json':1:2049: maximum parsing depth reached near '['" \
    "an array 100,000 deep is refused at depth 2048"
like "$err" "briefing-index: 'corpus/h/deep-object.json':1:10278: maximum parsing depth reached near '{'" \
    "an object 100,000 deep is refused"
like "$err" "briefing-index: 'corpus/h/deep.jsonl':1:2099: maximum parsing depth reached near '['" \
    "a .jsonl line 100,000 deep is refused"
[ $(($(date +%s) - start)) -lt 20 ]; ok $? "deep nesting is refused quickly"
after_case "deep nesting"

# --- FIFOs and devices: skipped with a message, never blocking ---
mkdir corpus/h
mkfifo corpus/h/fifo.json
ln -s /dev/zero corpus/h/zero.json
ln -s /dev/null corpus/h/null.txt
mkfifo corpus/h/fifo-folder-entry
run_case
is "$rc" 0 "FIFOs and devices: exit 0 (skipping is no rejection)"
like "$err" "briefing-index: 'corpus/h/fifo.json': a FIFO, not a regular file, skipped" "a FIFO is skipped"
like "$err" "briefing-index: 'corpus/h/zero.json': a device, not a regular file, skipped" \
    "a symlink to /dev/zero is skipped"
like "$err" "briefing-index: 'corpus/h/null.txt': a device, not a regular file, skipped" \
    "a symlink to /dev/null is skipped"
like "$err" "briefing-index: 'corpus/h/fifo-folder-entry': a FIFO, not a regular file, skipped" \
    "a FIFO of any name is skipped"
after_case "FIFOs and devices"

# --- symlink loops ---
mkdir -p corpus/h/sub
ln -s b.json corpus/h/a.json
ln -s a.json corpus/h/b.json
ln -s .. corpus/h/sub/up
ln -s ../sub corpus/h/sub/self
ln -s nowhere.json corpus/h/dangling.json
run_case
is "$rc" 0 "symlink loops: exit 0"
like "$err" "briefing-index: 'corpus/h/a.json': symlink loop, skipped" "a -> b -> a is a loop (a)"
like "$err" "briefing-index: 'corpus/h/b.json': symlink loop, skipped" "a -> b -> a is a loop (b)"
like "$err" "briefing-index: 'corpus/h/sub/up': folder already walked (symlink loop or second path), skipped" \
    "a folder symlink to its parent is walked once"
like "$err" "briefing-index: 'corpus/h/sub/self': folder already walked (symlink loop or second path), skipped" \
    "a folder symlink to itself is walked once"
like "$err" "briefing-index: 'corpus/h/dangling.json': broken symlink, skipped" "a dangling symlink"
is "$(count_of db)" 40 "no briefing is indexed twice through the loops"
after_case "symlink loops"

# --- unreadable files and folders ---
# As root, chmod 000 does not stop reads: run the indexer as nobody instead.
mkdir -p corpus/h/locked
printf '{"title":"Secret","published":"2026-01-01"}\n' > corpus/h/secret.json
printf '{"title":"Hidden","published":"2026-01-01"}\n' > corpus/h/locked/x.json
chmod 000 corpus/h/secret.json corpus/h/locked
as=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
        as="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"
        chmod 711 "$TMP"
        chmod 777 .
        chmod 666 db db.lock
        chmod -R a+rX corpus/gen* corpus/[0-9]* 2>/dev/null
        chmod a+rx corpus corpus/h
    fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$as" ]; then
    $as "$IDX" --db fresh.db corpus 2>err; rc=$?
    err=$(cat err)
    is "$rc" 1 "unreadable entries, new index: exit 1"
    like "$err" "briefing-index: 'corpus/h/secret.json': Permission denied" "an unreadable file is named"
    like "$err" "briefing-index: 'corpus/h/locked': Permission denied" "an unreadable folder is named"
    $as "$IDX" --db db corpus 2>err; rc=$?
    err=$(cat err)
    is "$rc" 1 "unreadable entries, incremental run: exit 1"
    like "$err" "briefing-index: 'corpus/h/secret.json': Permission denied" \
        "an unreadable file is named by an incremental run"
    like "$err" "briefing-index: 'corpus/h/locked': Permission denied" \
        "an unreadable folder is named by an incremental run"
    # A briefing indexed earlier whose file becomes unreadable keeps its last good version.
    chmod 644 corpus/h/secret.json
    "$IDX" --db db corpus 2>/dev/null
    chmod 666 db db.lock
    chmod 000 corpus/h/secret.json
    $as "$IDX" --db db corpus 2>err; rc=$?
    is "$rc" 1 "a known file turned unreadable: exit 1"
    is "$(sqlite3 -readonly db "SELECT count(*) FROM briefings WHERE title = 'Secret'")" 1 \
        "its briefing keeps its last good version"
else
    for i in 1 2 3 4 5 6 7 8; do ok 0 "# SKIP root without setpriv: permissions do not stop reads"; done
fi
chmod 755 corpus/h/locked
chmod 644 corpus/h/secret.json
after_case "unreadable entries"

# --- file names with spaces, quotes, newlines, ESC and non-UTF-8 bytes ---
mkdir corpus/h
printf '{"title":"Spaced out","published":"2026-01-01"}' > "corpus/h/with space.json"
printf '{"title":"Broken' > "corpus/h/broken space.json"
printf '{"title":"Broken' > "corpus/h/new"$'\n'"line.json"
printf '{"title":"Broken' > "corpus/h/esc"$'\033'"[31mred.json"
printf '{"title":"Broken' > "corpus/h/quote'd.json"
printf '{"title":"Latin one","published":"2026-01-01"}' > "corpus/h/caf"$'\xe9'".json"
run_case
is "$rc" 1 "odd file names: exit 1"
like "$err" "briefing-index: 'corpus/h/broken space.json':1:16: premature end of input near '\"Broken'" "a name with a space is quoted whole"
is "$(sqlite3 -readonly db "SELECT id FROM briefings WHERE title = 'Spaced out'")" "h/with space" \
    "a name with a space gives its id"
is "$(sqlite3 -readonly db "SELECT hex(id) FROM briefings WHERE title = 'Latin one'")" \
    "$(printf 'h/caf\xef\xbf\xbd' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" \
    "a non-UTF-8 name gives a UTF-8 id (U+FFFD for the bad byte)"
is "$("$QRY" --db db --json 'latin one' | jq -r '.results[0].id')" "h/caf"$'\xef\xbf\xbd' \
    "that id reaches the JSON answer"
# Names are printed quoted by brief_quote() (lib/quote.c: \n, \x1b, \', \xe9):
# a newline, ESC or a quote in a name neither splits a message nor drives
# the terminal.
[ "$(wc -l < err)" -eq 5 ]
ok $? "a name with a newline gives one message line"
grep -qF "'corpus/h/new\\nline.json'" err
ok $? "a newline in a name is shown as \\n"
LC_ALL=C grep -q $'\033' err
ok $((! $?)) "ESC in a name does not reach the terminal"
grep -qF "'corpus/h/quote\\'d.json'" err
ok $? "a quote in a name is escaped"
after_case "odd file names"

# --- ids with escapes and controls (from the file's text) ---
mkdir corpus/h
printf '%s' '{"id":"x\u001b]0;pwned\u0007\n\u009b'"'"'q","title":"Esc id","published":"2026-01-01"}' > corpus/h/a.json
cp corpus/h/a.json corpus/h/b.json
run_case
is "$rc" 1 "a duplicated id with escapes: exit 1"
is "$(grep -v '^briefing-index: added' err)" \
   "briefing-index: 'corpus/h/b.json': duplicate id 'x\x1b]0;pwned\x07\n\xc2\x9b\'q' (also in 'corpus/h/a.json')" \
   "the id is quoted: ESC, BEL, newline, C1 and quote escaped"
LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' err; ok $((! $?)) "no control character reaches the terminal"
after_case "ids with escapes"

# --- a file changed, truncated and deleted while the indexer runs ---
mkdir corpus/h
cp corpus/00/gen-1.json full.json
sed 's/"id":"gen-1"/"id":"flip"/' full.json > flip.full
head -c 300 flip.full > flip.half
( while :; do
      cp flip.half corpus/h/flip.json.new 2>/dev/null && mv corpus/h/flip.json.new corpus/h/flip.json 2>/dev/null
      : > corpus/h/flip.json 2>/dev/null
      rm -f corpus/h/flip.json
      cat flip.full > corpus/h/flip.json 2>/dev/null
  done ) &
racer=$!
bad=0 badmsg=
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    timeout 60 "$IDX" --db db corpus 2>err; rc=$?
    case $rc in 0|1) ;; *) bad=1; badmsg="exit $rc" ;; esac
    # Every message is the summary or names the racing file.
    if grep -v "^briefing-index: added " err | grep -qv "^briefing-index: 'corpus/h/flip.json'"; then
        bad=1; badmsg=$(cat err)
    fi
done
kill $racer; wait $racer 2>/dev/null
is "$bad" 0 "a racing file: every run exits 0 or 1 and names only that file"
[ -n "$badmsg" ] && echo "# $badmsg"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "a racing file: no temporary copy left"
fts_ok db; ok $? "a racing file: the index passes its integrity checks"
after_case "a racing file"

# --- a file size limit (RLIMIT_FSIZE) the caller did not arm against ---
# t180 runs under `trap '' XFSZ`; from cron or a shell that has not, the
# indexer itself must ignore SIGXFSZ so that write() fails with EFBIG.
mkdir corpus/h
perl -e 'for my $i (1 .. 40) { open my $f, ">", "corpus/h/big$i.json" or die;
         print $f "{\"title\":\"Big $i\",\"published\":\"2026-01-01\",\"overview\":[\"",
         join(" ", map { "big${i}w$_" } 1 .. 3000), "\"]}" }'
size=$(stat -c %s db)
sum=$(md5sum < db)
{ (trap - XFSZ; ulimit -f $((size / 1024 / 2)); exec "$IDX" --db db corpus) 2>err; rc=$?; } 2>/dev/null
is "$rc" 5 "a file size limit: exit 5, not killed by SIGXFSZ"
is "$(md5sum < db)" "$sum" "a file size limit: the live index is untouched"
ls db.tmp-* >/dev/null 2>&1
ok $((! $?)) "a file size limit: no temporary copy left"
after_case "a file size limit"
ls db.tmp-* >/dev/null 2>&1; ok $((! $?)) "the next run removes a stale temporary copy"

# --- a full disk (a real one: a small tmpfs, when we may mount) ---
if [ "$(id -u)" = 0 ] && mkdir mnt && mount -t tmpfs -o size=2m tmpfs mnt 2>/dev/null; then
    trap 'umount "$TMP/mnt" 2>/dev/null; rm -rf "$TMP"' EXIT
    cp db mnt/db
    sum=$(md5sum < mnt/db)
    mkdir corpus/h
    perl -e 'for my $i (1 .. 30) { open my $f, ">", "corpus/h/fill$i.json" or die;
             print $f "{\"title\":\"Fill $i\",\"published\":\"2026-01-01\",\"overview\":[\"",
             join(" ", map { "fill${i}w$_" } 1 .. 4000), "\"]}" }'
    "$IDX" --db mnt/db corpus 2>err; rc=$?
    is "$rc" 5 "a full disk: exit 5"
    like "$(cat err)" "briefing-index: cannot commit the index: database or disk is full" \
        "a full disk: the message says so"
    like "$(cat err)" "briefing-index: nothing changed; 'mnt/db' still serves the previous index" \
        "a full disk: the message says the old index serves"
    is "$(md5sum < mnt/db)" "$sum" "a full disk: the live index is untouched"
    is "$(ls mnt | tr '\n' ' ')" "db db.lock " "a full disk: no temporary file left"
    is "$("$QRY" --db mnt/db --now 2026-01-01 -n 5 --json treaty summit | jq -c 'del(.took_ms)')" "$BASE" \
        "a full disk: the index on it answers as before"
    umount mnt
    after_case "a full disk"
else
    for i in 1 2 3 4 5 6 7; do ok 0 "# SKIP cannot mount a tmpfs here (t180 covers ulimit -f)"; done
fi

done_testing
