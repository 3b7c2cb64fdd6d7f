#!/bin/bash
# t530-security.t - the README's security claims: read-only CGI, no file named by a request, bound SQL parameters, resource caps.
#
# Source audits (greps over lib/ query/ indexer/ ext/) fail when new code
# breaks a rule: SQL built with %s, SQL text from C formatting, a MATCH
# without a bound parameter, a front end opening the index writable. The
# behaviour is checked too: strace shows what the CGI opens.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/data/index/helpers.sh"
QRY=$BIN/briefing-query
CGI=$BIN/briefing.cgi
[ -x "$CGI" ] || skip_all "$CGI is not built"
SRC="$TOP/lib/*.c $TOP/query/*.c $TOP/indexer/*.c $TOP/ext/*.c"
cd "$TMP" || exit 1

# --- SQL: bound parameters only ---
# Rule 1: sqlite3's printf family formats SQL with %q/%Q/%w (quoted) or
# numbers; %s (raw text) only where the text is a constant or no SQL.
# Allowed, as "file: start of the format":
#   schema.c "BEGIN;\n%s"  : %s is schema_sql, a string constant (the tables)
#   index_write.c "%s"     : an error message for the tokenizer, not SQL
#   briefing_ext.c "briefing_ext: cannot" : an error message, not SQL
out=$(perl -0777 -ne '
    while (/\bsqlite3_(?:v?mprintf|snprintf|str_v?appendf)\s*\(([^;]*?)\)\s*;/gs) {
        my $args = $1;
        my $fmt = join "", $args =~ /"((?:[^"\\]|\\.)*)"/g;
        next unless $fmt =~ /%[-0-9.]*(?:s|z)/;
        my $f = $ARGV; $f =~ s{.*/}{};
        my $start = substr($fmt, 0, 20);
        next if $f eq "schema.c" && $start =~ /^BEGIN;\\n%s/;
        next if $f eq "index_write.c" && $fmt eq "%s";
        next if $f eq "briefing_ext.c" && $start =~ /^briefing_ext: cannot/;
        print "$f: $fmt\n";
    }' $SRC)
is "$out" "" "no sqlite3_mprintf-style format puts raw text (%s) into SQL"

# Rule 2: SQL never goes through C formatting (snprintf, sprintf, asprintf, strcat).
out=$(perl -0777 -ne '
    while (/\b(?:v?snprintf|v?sprintf|v?asprintf|strcat|strcpy)\s*\(([^;]*?)\)\s*;/gs) {
        my $args = $1;
        my $s = join "", $args =~ /"((?:[^"\\]|\\.)*)"/g;
        my $f = $ARGV; $f =~ s{.*/}{};
        print "$f: $s\n" if $s =~ /\b(?:SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|PRAGMA|WHERE|MATCH|ATTACH)\b/;
    }' $SRC)
is "$out" "" "no SQL text is built with snprintf/sprintf/strcat"

# Rule 3: SQL assembled piece by piece (lib/search.c sb_add) takes literals
# (a literal may be a PART_IS_* macro of lib/search.c: string literals and
# the stringified BRIEF_PART_* numbers of include/brief_index.h),
# or these names: s->where and s->where_fts (assembled from literals by
# build_where), expr, kind_cols(), one (the FTS5
# expression, which is bound as :fts/:excl, never spliced into SQL).
out=$(perl -0777 -ne '
    while (/\bsb_add\s*\(\s*&?\w+\s*,\s*(.*?)\);/gs) {
        my $a = $1; $a =~ s/\s+/ /g;
        my $lit = qr/(?:"(?:[^"\\]|\\.)*"|PART_IS_[A-Z]+)/;
        next if $a =~ /^$lit(?:\s*$lit)*$/;
        next if $a =~ /^[^"]*\?\s*$lit(?:\s*$lit)*\s*:\s*$lit$/;
        next if $a =~ /^(?:s->where|s->where_fts|s->where_fts != NULL \? s->where_fts : s->where|expr|one|kind_cols\(s->kinds\) \+ 1)$/;
        next if $a =~ /^\*s == \x27"\x27 \? "\\"\\"" : one$/;   # FTS5 quote doubling
        my $f = $ARGV; $f =~ s{.*/}{};
        print "$f: sb_add($a)\n";
    }' $TOP/lib/*.c)
is "$out" "" "pieces of assembled SQL are literals (or the audited names)"

# Rule 4: every MATCH in SQL takes a bound parameter (:name or ?N).
out=$(grep -n '"[^"]* MATCH' $SRC | grep -v ' MATCH *[:?]' | sed "s|$TOP/||")
is "$out" "" "every MATCH in SQL is against a bound parameter"

# --- the CGI and the query tool never open the index writable ---
out=$(grep -n 'brief_index_open(' "$TOP/query/"*.c | grep -v 'BRIEF_OPEN_READ,' | sed "s|$TOP/||")
is "$out" "" "the front ends open the index with BRIEF_OPEN_READ only"
grep -q 'mode == BRIEF_OPEN_READ ? SQLITE_OPEN_READONLY' "$TOP/lib/index.c"
ok $? "BRIEF_OPEN_READ is SQLITE_OPEN_READONLY (lib/index.c)"
# Only the web server's settings reach the CGI: the request's method, query
# string and If-None-Match, and BRIEFING_DB and the two limits.
is "$(grep -o 'getenv("[A-Z_]*")\|env_number("[A-Z_]*"' "$TOP/query/briefing-cgi.c" | sed 's/.*("//; s/")*$//; s/"$//' | sort -u | tr '\n' ' ')" \
   "BRIEFING_DB BRIEFING_TIME_LIMIT BRIEFING_WORK_LIMIT CONTENT_LENGTH HTTP_IF_NONE_MATCH QUERY_STRING REQUEST_METHOD " \
   "the CGI reads only its documented environment"
out=$(grep -n '\bfopen\s*(\|[^_a-z]open\s*(\|opendir\s*(' "$TOP/query/briefing-cgi.c" | sed "s|$TOP/||")
is "$out" "" "the CGI opens no file itself (only brief_index_open of BRIEFING_DB)"

$GEN --out corpus --count 10 >/dev/null
"$IDX" --db idx.db corpus 2>/dev/null
sum=$(md5sum < idx.db)
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
    # A hostile request that names files every way it could.
    BRIEFING_DB=$TMP/idx.db REQUEST_METHOD=GET \
    QUERY_STRING='q=..%2F..%2Fetc%2Fpasswd&db=%2Fetc%2Fpasswd&BRIEFING_DB=%2Fetc%2Fpasswd&file=%2Fetc%2Fshadow&format=json' \
        strace -f -e trace=open,openat,creat,rename,unlink,truncate,mkdir -o trace.txt "$CGI" >page.txt 2>/dev/null
    like "$(head -n 1 page.txt)" "Status: 200 OK" "the CGI answers the hostile request"
    # (sqlite may also read /dev/urandom for its random seed, ASan /proc/self)
    files=$(grep -v 'ENOENT\|\.so\|/etc/ld\.so\|locale\|gconv\|exited\|resumed\|/dev/urandom\|"/proc/self/' trace.txt |
            grep -o '"[^"]*", [A-Z_|]*' | sort -u)
    is "$files" "\"$TMP/idx.db\", O_RDONLY|O_NOFOLLOW|O_CLOEXEC" \
       "the CGI opens the index read-only and nothing the request names"
    unlike "$(cat trace.txt)" "passwd" "no path from the request is ever opened"
    BRIEFING_DB=$TMP/idx.db REQUEST_METHOD=GET QUERY_STRING='q=treaty' \
        strace -f -e trace=open,openat -o trace2.txt "$QRY" --db idx.db treaty >/dev/null 2>&1
    grep '"idx.db' trace2.txt | grep -q 'O_RDWR\|O_WRONLY\|O_CREAT'
    ok $((! $?)) "briefing-query opens the index read-only"
else
    for i in 1 2 3 4; do ok 0 "# SKIP strace cannot trace here"; done
fi
is "$(md5sum < idx.db)" "$sum" "the index is unchanged by readers"
ls idx.db-* >/dev/null 2>&1; ok $((! $?)) "readers leave no journal or WAL file"
page=$(BRIEFING_DB=$TMP/idx.db REQUEST_METHOD=GET QUERY_STRING='asset=..%2F..%2Fetc%2Fpasswd' "$CGI" 2>/dev/null | tr -d '\r')
is "$(echo "$page" | head -n 1)" "Status: 400 Bad Request" "an asset outside the list is a 400"
unlike "$page" "root:" "and serves no file"

# --- resource caps ---
out=$(BRIEFING_DB=$TMP/idx.db REQUEST_METHOD=GET QUERY_STRING='q=treaty&format=json&per_page=100000' "$CGI" 2>/dev/null |
      tr -d '\r' | sed '1,/^$/d' | jq .limit)
is "$out" 50 "CGI: per_page is capped at 50"
out=$(BRIEFING_DB=$TMP/idx.db REQUEST_METHOD=GET QUERY_STRING="q=$(perl -e 'print "a" x 9000')" "$CGI" 2>/dev/null |
      tr -d '\r' | head -n 1)
is "$out" "Status: 414 URI Too Long" "CGI: an over-long query string is a 414"
"$QRY" --db idx.db -n 1001 treaty >/dev/null 2>&1; is "$?" 2 "briefing-query: --limit over 1000 is a usage error"
out=$(BRIEFING_DB=$TMP/idx.db BRIEFING_WORK_LIMIT=100 REQUEST_METHOD=GET QUERY_STRING='q=treaty' "$CGI" 2>/dev/null |
      tr -d '\r' | head -n 1)
is "$out" "Status: 503 Service Unavailable" "CGI: a search over its work limit is stopped (503)"
out=$("$QRY" --db idx.db --work-limit 100 treaty 2>&1); rc=$?
is "$rc:$out" "2:briefing-query: the search exceeded its work limit" "briefing-query: --work-limit stops a search"
grep -q '^#define BRIEF_QUERY_MAX_BYTES 10240' "$TOP/include/brief_query.h"; ok $? "queries are cut at 10240 bytes (t520 checks it)"
grep -q '^#define BRIEF_SOURCE_MAX_BYTES (32L \* 1024 \* 1024)' "$TOP/include/brief_indexer.h"
ok $? "files over 32 MiB are refused (t510 checks it)"

done_testing
