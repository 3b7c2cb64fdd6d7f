#!/bin/bash
# t320-cgi-server.t - bin/briefing.cgi behind a real lighttpd, queried over HTTP with curl.
. "$(dirname "$0")/lib.sh"

[ -x "$BIN/briefing.cgi" ] || skip_all "$BIN/briefing.cgi is not built"
[ -x "$BIN/briefing-index" ] || skip_all "$BIN/briefing-index is not built"
for tool in lighttpd curl jq; do
    command -v $tool >/dev/null 2>&1 || skip_all "no $tool"
done
. "$TOP/tests/browser/lighttpd.sh"

# Work on copies: a `make` elsewhere in the tree may relink bin/ mid-test.
mkdir -p "$TMP/bin"
cp "$BIN/briefing.cgi" "$BIN/briefing-index" "$BIN/briefing-query" "$TMP/bin/" 2>/dev/null
BIN=$TMP/bin

DB=$TMP/index.db
cp -r "$TOP/corpus" "$TMP/corpus"
"$BIN/briefing-index" --db "$DB" "$TMP/corpus" 2>"$TMP/index.err"
is "$?" 0 "test index built from corpus/"
# lighttpd is installed (checked above), so a server that does not start
# is a failure, not a reason to skip.
lighttpd_start "$DB" || fail_all "lighttpd starts: $(cat "$TMP/lighttpd.out" 2>/dev/null)"

# get [CURL-ARGS...] URL-PATH: headers to $TMP/h (CR removed), body to $TMP/b,
# status code in $code.
get() {
    local path=${!#}
    set -- "${@:1:$#-1}"
    rm -f "$TMP/b"
    touch "$TMP/b"
    code=$(curl -s -g -D "$TMP/h.raw" -o "$TMP/b" -w '%{http_code}' "$@" "$HTTPD_URL$path")
    tr -d '\r' <"$TMP/h.raw" >"$TMP/h"
}
header() { sed -n "s/^$1: //Ip" "$TMP/h" | head -1; }
body() { cat "$TMP/b"; }

# --- HTML
get /search
is "$code" 200 "start page: 200"
is "$(header Content-Type)" "text/html; charset=utf-8" "start page is HTML with charset"
like "$(body)" "<form" "start page has the form"
get "/search?q=vaccine"
is "$code" 200 "search: 200"
like "$(body)" "<mark>" "results highlighted"
is "$(header X-Content-Type-Options)" nosniff "nosniff over HTTP"
like "$(header Content-Security-Policy)" "default-src 'none'" "CSP over HTTP"
is "$(header Referrer-Policy)" no-referrer "Referrer-Policy over HTTP"
is "$(header Cache-Control)" "public, max-age=60" "Cache-Control over HTTP"
etag=$(header ETag)
like "$etag" 'W/"' "ETag over HTTP"
get "/search?q=AT%26T"
like "$(body)" "AT&amp;T" "& escaped once"
unlike "$(body)" "&amp;amp;" "not twice"
get "/search?asset=css"
is "$code" 200 "stylesheet served"
is "$(header Content-Type)" "text/css; charset=utf-8" "stylesheet type"

# --- JSON
get "/search?q=vaccine&format=json"
is "$code" 200 "JSON: 200"
is "$(header Content-Type)" "application/json; charset=utf-8" "JSON type"
is "$(jq -r .version "$TMP/b")" 1 "JSON answer version 1"
check "JSON has results" [ "$(jq '.results | length' "$TMP/b")" -gt 0 ]
get "/search?q=x&page=abc&format=json"
is "$code" 400 "JSON error: 400"
is "$(jq -r .error.status "$TMP/b")" 400 "JSON error object"

# --- every status code
get "/search?q=x&page=0"
is "$code" 400 "page=0: 400"
get "/search?q=x&page=-1"
is "$code" 400 "page=-1: 400"
get "/search?q=x&per_page=0"
is "$code" 400 "per_page=0: 400"
get "/search?q=x&after=2026-02-30"
is "$code" 400 "bad date: 400"
get "/search?q=x&sort=best"
is "$code" 400 "unknown sort: 400"
get "/search?q=x&kind=video"
is "$code" 400 "unknown kind: 400"
get "/search?q=x&format=pdf"
is "$code" 400 "unknown format: 400"
get "/search?q=$(head -c 1500 /dev/zero | tr '\0' q)"
is "$code" 400 "q over 1024 bytes: 400"
like "$(body)" "q is too long" "with the reason"
get -X POST -d q=x /search
is "$code" 405 "POST: 405"
is "$(header Allow)" "GET, HEAD" "Allow header"
get -X DELETE /search
is "$code" 405 "DELETE: 405"
get "/missing?q=vaccine"
is "$code" 503 "missing index: 503"
is "$(header Retry-After)" 60 "Retry-After"
heavy=$(for a in a b c d e f g h i j k l m n o p q r s t u v w x y z; do
    for v in a e i o u; do printf '%s%s*+' "$a" "$v"; done; done)
get "/tight?q=${heavy:0:1000}&format=json"
is "$code" 503 "search over the work limit: 503"
like "$(jq -r .error.message "$TMP/b")" "too much work" "and says so"

# --- HEAD
get -I "/search?q=vaccine"
is "$code" 200 "HEAD: 200"
# (curl -I writes the headers where the body would go: nothing else may follow)
is "$(wc -c <"$TMP/b" | tr -d ' ')" "$(wc -c <"$TMP/h.raw" | tr -d ' ')" "HEAD: no body"
is "$(header ETag)" "$etag" "HEAD: same ETag"
is "$(header Content-Type)" "text/html; charset=utf-8" "HEAD: Content-Type"

# --- ETag / 304, and a reindex changes the ETag
get -H "If-None-Match: $etag" "/search?q=vaccine"
is "$code" 304 "If-None-Match: 304"
is "$(wc -c <"$TMP/b" | tr -d ' ')" 0 "304: no body"
f=$(ls "$TMP/corpus" | grep '\.json$' | head -1)
sed 's/"title": *"/&Revised /' "$TMP/corpus/$f" >"$TMP/f.json" && mv "$TMP/f.json" "$TMP/corpus/$f"
"$BIN/briefing-index" --db "$DB" "$TMP/corpus" 2>/dev/null
get -H "If-None-Match: $etag" "/search?q=vaccine"
is "$code" 200 "after a reindex: 200 again"
check "with a new ETag" [ "$(header ETag)" != "$etag" ]
get -H "If-None-Match: $(header ETag)" "/search?q=vaccine"
is "$code" 304 "the new ETag gives 304"

# --- hostile requests: a clean 4xx or 200, never a crash or injected header
headers_clean() { # no header beyond the ones we send
    ! grep -qiE '^(set-cookie|x-evil|location):' "$TMP/h"
}
# lighttpd re-encodes a stray '%' as %25 before the program sees it, so
# these arrive as literal text (the program's own 400 for them is tested
# in t310)
get "/search?q=%zz&format=json"
is "$code $(jq -r .query "$TMP/b")" "200 %zz" "invalid percent-encoding: searched as the literal text"
get "/search?q=%4&format=json"
is "$code $(jq -r .query "$TMP/b")" "200 %4" "truncated percent-encoding: literal text"
get "/search?q=a%00b"
is "$code" 400 "%00: 400"
get "/search?q=%C0%AF"
check "overlong UTF-8: 400 (from lighttpd or the program)" [ "$code" = 400 ]
get "/search?q=caf%E9"
is "$code" 400 "Latin-1 byte: 400"
get "/search?q=a%0D%0ASet-Cookie:%20x=1%0D%0AX-Evil:%201&format=json"
is "$code" 200 "CR/LF in q: 200"
check "CR/LF in q: no header injected" headers_clean
is "$(jq -r .query "$TMP/b")" "a  Set-Cookie: x=1  X-Evil: 1" "CR/LF became spaces"
get "/search?q=x&sort=date%0D%0AX-Evil:%201"
is "$code" 400 "CR/LF in sort: 400"
check "CR/LF in an error: no header injected" headers_clean
get "/search?q=AT%26T&q=vaccine&format=json"
is "$(jq -r .query "$TMP/b")" "AT&T" "repeated parameter: first wins"
get "/search?q=$(head -c 30000 /dev/zero | tr '\0' a)"
is "$code" 414 "30 KB query string: 414 from the program"
like "$(body)" "query string is too long" "with the reason"
# lighttpd refuses a request line over 64 KB itself
get "/search?q=$(head -c 102400 /dev/zero | tr '\0' a)"
check "100 KB query string: refused with 4xx ($code)" [ "$code" -ge 400 -a "$code" -lt 500 ]
get "/search?q=vaccine&page=-1"
is "$code" 400 "page=-1: 400"
get "/search?q=vaccine&per_page=1000000000&format=json"
is "$code" 200 "per_page=1000000000: 200"
is "$(jq .limit "$TMP/b")" 50 "capped at 50"
get "/search?q=vaccine&utm_source=mail&x=%zz&&=&format=json"
is "$code" 200 "unknown parameters ignored"
get "/search/extra?q=vaccine"
is "$code" 200 "a path below /search runs the program, not a file download"
like "$(header Content-Type)" "text/html" "and answers HTML"
get "/search?q=vaccine"
is "$code" 200 "still serving after all that"
no_crash() {
    ! grep -qiE 'signal|core dumped|malformed|premature|sanitizer|runtime error' \
        "$TMP/lighttpd-error.log"
}
check "no CGI crashed (lighttpd error log)" no_crash

done_testing
