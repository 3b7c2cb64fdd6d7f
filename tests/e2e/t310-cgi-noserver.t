#!/bin/bash
# t310-cgi-noserver.t - bin/briefing.cgi run directly with CGI variables, as a web server would.
. "$(dirname "$0")/lib.sh"

[ -x "$BIN/briefing.cgi" ] || skip_all "$BIN/briefing.cgi is not built"
[ -x "$BIN/briefing-index" ] || skip_all "$BIN/briefing-index is not built"
command -v jq >/dev/null 2>&1 || skip_all "no jq"
command -v perl >/dev/null 2>&1 || skip_all "no perl"

# Work on copies: a `make` elsewhere in the tree may relink bin/ mid-test.
mkdir -p "$TMP/bin"
cp "$BIN/briefing.cgi" "$BIN/briefing-index" "$BIN/briefing-query" "$TMP/bin/" 2>/dev/null
BIN=$TMP/bin

DB=$TMP/index.db
cp -r "$TOP/corpus" "$TMP/corpus"
"$BIN/briefing-index" --db "$DB" "$TMP/corpus" 2>"$TMP/index.err"
is "$?" 0 "test index built from corpus/"

# cgi METHOD QUERY_STRING [VAR=VALUE...]: runs the program as a server
# would; headers (CR removed) go to $TMP/h, the body to $TMP/b, the exit
# status to $rc.
cgi() {
    local method=$1 qs=$2
    shift 2
    env REQUEST_METHOD="$method" QUERY_STRING="$qs" GATEWAY_INTERFACE=CGI/1.1 \
        BRIEFING_DB="$DB" "$@" "$BIN/briefing.cgi" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -ne 0 ] || grep -qE 'Sanitizer|runtime error' "$TMP/err"; then
        failed_runs="$failed_runs [$method $qs: exit $rc]"
    fi
    perl -e 'local $/; my $d = <STDIN>; my ($h, $b) = split /\r\n\r\n/, $d, 2;
             $h =~ s/\r//g; open my $f, ">", $ARGV[0] or die; print $f "$h\n";
             open my $g, ">", $ARGV[1] or die; print $g (defined $b ? $b : "")' \
        "$TMP/h" "$TMP/b" <"$TMP/out"
}
status() { sed -n 's/^Status: \([0-9]*\).*/\1/p' "$TMP/h"; }
header() { sed -n "s/^$1: //Ip" "$TMP/h" | head -1; }
body() { cat "$TMP/b"; }

failed_runs=

# --- outside a server
"$BIN/briefing.cgi" >/dev/null 2>"$TMP/err"
is "$?" 2 "without REQUEST_METHOD it exits 2"
like "$(cat "$TMP/err")" "REQUEST_METHOD is not set" "and says why"
"$BIN/briefing.cgi" --help >"$TMP/help"
is "$?" 0 "--help exits 0"
like "$(cat "$TMP/help")" "BRIEFING_DB" "--help names BRIEFING_DB"

# --- the start page
cgi GET ""
is "$rc" 0 "start page: exit 0"
is "$(status)" 200 "start page: 200"
is "$(header Content-Type)" "text/html; charset=utf-8" "start page: Content-Type with charset"
is "$(header X-Content-Type-Options)" "nosniff" "nosniff"
is "$(header Referrer-Policy)" "no-referrer" "Referrer-Policy"
csp=$(header Content-Security-Policy)
like "$csp" "default-src 'none'" "CSP: default-src 'none'"
like "$csp" "form-action 'self'" "CSP: form-action 'self'"
like "$csp" "frame-ancestors 'none'" "CSP: frame-ancestors 'none'"
like "$csp" "base-uri 'none'" "CSP: base-uri 'none'"
unlike "$csp" "unsafe" "CSP: nothing unsafe"
unlike "$csp" "script-src" "CSP: no script source at all"
is "$(header Content-Length)" "$(wc -c <"$TMP/b" | tr -d ' ')" "Content-Length is the body's"
like "$(body)" '<html lang="en">' "page has a lang attribute"
like "$(body)" 'name="viewport"' "page has a viewport"
unlike "$(body)" "<script" "page has no script"
like "$(body)" '<label for="q"' "query field is labelled"
cgi GET "q=+%09+"
like "$(body)" 'id="help-h"' "a q of blanks only is the start page, not an empty search"

# --- results as HTML
cgi GET "q=vaccine"
is "$(status)" 200 "q=vaccine: 200"
like "$(body)" "<mark>" "results are highlighted"
like "$(body)" 'value="vaccine"' "query kept in the form"
like "$(body)" '<ol class="results"' "results listed"
etag=$(header ETag)
like "$etag" 'W/"' "ETag present, weak (the body holds the time taken)"
is "$(header Cache-Control)" "public, max-age=60" "results are cacheable for a minute"

# & in index text and in the query is escaped exactly once
cgi GET "q=AT%26T"
like "$(body)" "AT&amp;T" "& in a title becomes &amp;"
unlike "$(body)" "&amp;amp;" "and never &amp;amp;"
like "$(body)" 'value="AT&amp;T"' "& in the query field becomes &amp;"

# a query that is markup is shown as text
cgi GET "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"
is "$(status)" 200 "markup in q: 200"
unlike "$(body)" "<script>" "no <script> element reflected"
unlike "$(body)" "<img" "no <img> element reflected"
like "$(body)" "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img" "shown escaped"

# empty state and suggestion
cgi GET "q=vacine"
like "$(body)" "No briefings found" "no match: empty state"
like "$(body)" 'Did you mean <a href="?q=vaccine"' "did-you-mean link"
cgi GET "q=zzqxv&category=TECH"
like "$(body)" "Search again without the filters" "empty state offers dropping filters"

# refinements from the facets
cgi GET "q=regulation"
like "$(body)" '<nav class="facets" aria-label="Refine results">' "facets offered"
cat=$(body | grep -o 'category=[A-Z]*' | head -1)
check "a category link ($cat)" [ -n "$cat" ]
cgi GET "q=regulation&$cat&format=json"
is "$(jq -r '[.results[].category] | unique | join(",")' "$TMP/b")" "${cat#category=}" \
    "following it gives only that category"
cgi GET "q=regulation&format=json"
is "$(jq 'has("facets")' "$TMP/b")" false "JSON keeps briefing-query's default shape (no facets)"

# pagination
cgi GET "q=regulation&per_page=2"
like "$(body)" 'rel="next" href="?q=regulation&amp;per_page=2&amp;page=2"' "next link"
first1=$(body | grep -m1 -o '<h2>.*</h2>')
cgi GET "q=regulation&per_page=2&page=2"
first2=$(body | grep -m1 -o '<h2>.*</h2>')
check "page 2 starts with another result" [ -n "$first2" -a "$first1" != "$first2" ]
like "$(body)" 'rel="prev"' "previous link on page 2"

# --- JSON
cgi GET "q=vaccine&format=json"
is "$(header Content-Type)" "application/json; charset=utf-8" "JSON Content-Type"
jq -e . "$TMP/b" >/dev/null
is "$?" 0 "JSON parses"
"$BIN/briefing-query" --db "$DB" --json vaccine >"$TMP/cli.json" 2>/dev/null
is "$(jq -c 'del(.took_ms) | keys' "$TMP/b")" "$(jq -c 'del(.took_ms) | keys' "$TMP/cli.json")" \
    "JSON has the members of briefing-query --json"
is "$(jq -c '[.total, [.results[].id]]' "$TMP/b")" \
    "$(jq -c '[.total, [.results[].id]]' "$TMP/cli.json")" "and the same results"
is "$(header Content-Security-Policy)" "default-src 'none'; frame-ancestors 'none'; base-uri 'none'" \
    "JSON has a CSP too"

cgi GET "q=vaccine&format=json&per_page=1000000000"
is "$(status)" 200 "per_page=1000000000: 200"
is "$(jq .limit "$TMP/b")" 50 "per_page is capped at 50"
cgi GET "q=vaccine&format=json&per_page=3&page=2"
is "$(jq -c '[.offset, .limit]' "$TMP/b")" "[3,3]" "page and per_page make offset and limit"
cgi GET "q=AT%26T&q=vaccine&format=json"
is "$(jq -r .query "$TMP/b")" "AT&T" "repeated parameter: the first wins"
cgi GET "q=vaccine&format=json&utm_source=x&debug=%ZZ&=&&x"
is "$(status)" 200 "unknown and malformed unknown parameters are ignored"
cgi GET "format=json&q=vaccine&kind=quote&category=HEALTH&after=2020&before=2030-01&sort=date"
is "$(status)" 200 "every filter accepted"
is "$(jq -r .sort "$TMP/b")" "date" "sort passed on"

# --- 400s, with the reason, in the format asked for
bad() { # bad QUERY_STRING REASON-PART DESCRIPTION
    cgi GET "format=json&$1"
    is "$(status)" 400 "$3: 400"
    is "$(jq -r '.error.status' "$TMP/b" 2>/dev/null)" 400 "$3: JSON error object"
    like "$(jq -r '.error.message' "$TMP/b" 2>/dev/null)" "$2" "$3: reason given"
    is "$(header Cache-Control)" "no-store" "$3: not cached"
}
bad "q=x&page=-1" "page must be a whole number" "page=-1"
bad "q=x&page=0" "page must be" "page=0"
bad "q=x&page=abc" "page must be" "non-numeric page"
bad "q=x&per_page=0" "per_page must be" "per_page=0"
bad "q=x&after=2026-13-01" "after must be a date" "bad date"
bad "q=x&before=soon" "before must be a date" "bad before date"
bad "q=x&sort=random" "unknown sort" "unknown sort"
bad "q=x&kind=video" "unknown kind" "unknown kind"
bad "q=%zz" "invalid percent-encoding" "invalid percent-encoding"
bad "q=a%00b" "%00" "%00"
bad "q=caf%E9" "not valid UTF-8" "non-UTF-8 bytes"
bad "q=$(head -c 1025 /dev/zero | tr '\0' a)" "q is too long" "q over 1024 bytes"
bad "q=x&kind=a$(printf '%%C3%%A9%.0s' $(seq 30))" "unknown kind 'aé" "long non-ASCII kind (reason cut between characters)"
cgi GET "q=x&format=xml"
is "$(status)" 400 "unknown format: 400"
like "$(body)" "unknown format" "unknown format: reason in the HTML page"
like "$(header Content-Type)" "text/html" "unknown format: answered as HTML"
cgi GET "q=x&page=abc"
like "$(body)" '<p role="alert">page must be a whole number' "HTML error state gives the reason"
like "$(body)" 'id="q" name="q" autocomplete="off" spellcheck="false" maxlength="1024" value="x"' \
    "and its form keeps the query"
cgi GET "q=$(head -c 102400 /dev/zero | tr '\0' a)"
is "$(status)" 414 "100 KB query string: 414"
is "$rc" 0 "100 KB query string: answered cleanly"

# --- CR/LF never reach the headers
cgi GET "q=a%0D%0ASet-Cookie:+x%3D1%0D%0A%0D%0A<b>&format=json"
is "$(status)" 200 "CR/LF in q: 200"
unlike "$(cat "$TMP/h")" "Set-Cookie" "no header injected"
is "$(jq -r .query "$TMP/b")" "a  Set-Cookie: x=1    <b>" "controls became spaces"
cgi GET "q=x&page=1%0D%0AX-Evil:+1"
is "$(status)" 400 "CR/LF in page: 400"
unlike "$(cat "$TMP/h")" "X-Evil" "no header injected from an error either"

# --- methods
cgi POST "q=x"
is "$(status)" 405 "POST: 405"
is "$(header Allow)" "GET, HEAD" "405 says Allow: GET, HEAD"
cgi PUT "q=x&format=json"
is "$(jq -r .error.status "$TMP/b")" 405 "405 as JSON when asked"
cgi HEAD "q=vaccine"
is "$(status)" 200 "HEAD: 200"
is "$(wc -c <"$TMP/b" | tr -d ' ')" 0 "HEAD: no body"
check "HEAD: the Content-Length a GET would have" [ "$(header Content-Length)" -gt 1000 ]
is "$(header ETag)" "$etag" "HEAD: the GET's ETag"

# --- ETag and 304
cgi GET "q=vaccine" HTTP_IF_NONE_MATCH="$etag"
is "$(status)" 304 "If-None-Match with the ETag: 304"
is "$(wc -c <"$TMP/b" | tr -d ' ')" 0 "304 has no body"
is "$(header ETag)" "$etag" "304 repeats the ETag"
cgi GET "q=vaccine" HTTP_IF_NONE_MATCH="\"x\", ${etag#W/}"
is "$(status)" 304 "the tag in a list, without W/, matches"
cgi GET "q=vaccine" HTTP_IF_NONE_MATCH='"other"'
is "$(status)" 200 "another tag: 200"
cgi GET "q=vaccines"
check "another query has another ETag" [ "$(header ETag)" != "$etag" ]
sed 's/"title": *"/&Rebuilt /' "$TMP/corpus/$(ls "$TMP/corpus" | grep json | head -1)" \
    >"$TMP/changed.json" && mv "$TMP/changed.json" "$TMP/corpus/$(ls "$TMP/corpus" | grep json | head -1)"
"$BIN/briefing-index" --db "$DB" "$TMP/corpus" 2>/dev/null
cgi GET "q=vaccine" HTTP_IF_NONE_MATCH="$etag"
is "$(status)" 200 "after a reindex the old ETag no longer matches"
check "and the ETag changed" [ "$(header ETag)" != "$etag" ]

# --- stylesheet
cgi GET "asset=css"
is "$(status)" 200 "stylesheet: 200"
is "$(header Content-Type)" "text/css; charset=utf-8" "stylesheet: text/css"
like "$(body)" ":focus-visible" "stylesheet has focus styles"
cgi GET "asset=css" HTTP_IF_NONE_MATCH="$(header ETag)"
is "$(status)" 304 "stylesheet: 304 on its ETag"

# --- 503s
cgi GET "q=vaccine&format=json" BRIEFING_DB="$TMP/none.db"
is "$(status)" 503 "missing index: 503"
is "$(header Retry-After)" 60 "missing index: Retry-After"
is "$(jq -c .error "$TMP/b")" '{"status":503,"message":"the search index is not available"}' \
    "missing index: JSON error"
unlike "$(body)" "$TMP" "the index path is not shown to the client"
like "$(cat "$TMP/err")" "none.db" "but logged to stderr"
echo "not an index" >"$TMP/junk.db"
cgi GET "q=vaccine" BRIEFING_DB="$TMP/junk.db"
is "$(status)" 503 "not an index: 503"
like "$(body)" "Search is unavailable right now" "503 HTML error state"
chmod 000 "$TMP/junk.db"
if [ "$(id -u)" -ne 0 ]; then
    cgi GET "q=vaccine" BRIEFING_DB="$TMP/junk.db"
    is "$(status)" 503 "unreadable index: 503"
fi
heavy=$(for a in a b c d e f g h i j k l m n o p q r s t u v w x y z; do
    for v in a e i o u; do printf '%s%s*+' "$a" "$v"; done; done)
cgi GET "q=${heavy:0:1000}&format=json" BRIEFING_WORK_LIMIT=1
is "$(status)" 503 "a search over the work limit: 503"
like "$(jq -r .error.message "$TMP/b")" "too much work" "with a clear reason"
cgi GET "q=${heavy:0:1000}&format=json"
is "$(status)" 200 "the same search under the default limit: 200"

# --- the index is opened read-only: the CGI never writes to it
chmod 444 "$DB"
before=$(md5sum <"$DB")
cgi GET "q=vaccine"
is "$(status)" 200 "read-only index file is served"
is "$(md5sum <"$DB")" "$before" "index unchanged"
check "no journal or WAL left beside the index" [ ! -e "$DB-journal" -a ! -e "$DB-wal" ]

is "${failed_runs:0:300}" "" "every run exited 0 with no sanitizer report"

done_testing
