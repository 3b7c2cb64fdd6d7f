#!/bin/bash
# search.t - the search page in a real browser: headless chromium driven over WebDriver.
#
# lighttpd serves bin/briefing.cgi (tests/browser/lighttpd.sh); chromedriver
# runs chromium headless; this script speaks the W3C WebDriver HTTP API to
# chromedriver with curl and jq. It types a query, submits, checks the
# highlighted results, pages forward, checks that markup typed as a query
# runs nothing, and saves screenshots at desktop and phone widths into
# build/browser/. Run by tests/e2e/t350-browser.t.
. "$(dirname "$0")/../e2e/lib.sh"

[ -x "$BIN/briefing.cgi" ] || skip_all "$BIN/briefing.cgi is not built"
[ -x "$BIN/briefing-index" ] || skip_all "$BIN/briefing-index is not built"
for tool in lighttpd curl jq chromedriver; do
    command -v $tool >/dev/null 2>&1 || skip_all "no $tool"
done
CHROMIUM=$(command -v chromium || command -v chromium-browser) || skip_all "no chromium"
. "$TOP/tests/browser/lighttpd.sh"

# Work on copies: a `make` elsewhere in the tree may relink bin/ mid-test.
mkdir -p "$TMP/bin"
cp "$BIN/briefing.cgi" "$BIN/briefing-index" "$BIN/briefing-query" "$TMP/bin/" 2>/dev/null
BIN=$TMP/bin

SHOTS=$BUILD/browser
mkdir -p "$SHOTS"
DB=$TMP/index.db
"$BIN/briefing-index" --db "$DB" "$TOP/corpus" 2>"$TMP/index.err" ||
    fail_all "the corpus indexes: $(head -n 3 "$TMP/index.err")"
lighttpd_start "$DB" || fail_all "lighttpd starts: $(cat "$TMP/lighttpd.out" 2>/dev/null)"

CD_PID=
cd_stop() {
    if [ -n "$CD_PID" ]; then
        [ -n "${WD:-}" ] && curl -s -m 5 "$WD/shutdown" >/dev/null 2>&1
        kill "$CD_PID" 2>/dev/null
        wait "$CD_PID" 2>/dev/null
        CD_PID=
    fi
}
trap 'cd_stop; lighttpd_stop; rm -rf "$TMP"' EXIT

port=$(free_port) || skip_all "no free port"
chromedriver --port="$port" --log-path="$TMP/chromedriver.log" >/dev/null 2>&1 &
CD_PID=$!
WD=http://127.0.0.1:$port
for i in $(seq 1 50); do
    [ "$(curl -s "$WD/status" | jq -r .value.ready 2>/dev/null)" = true ] && break
    sleep 0.1
done
[ "$(curl -s "$WD/status" | jq -r .value.ready 2>/dev/null)" = true ] \
    || fail_all "chromedriver starts"

# wd METHOD PATH [JSON]: one WebDriver command; prints the response.
wd() {
    if [ $# -ge 3 ]; then
        curl -s -m 60 -X "$1" -H 'Content-Type: application/json' -d "$3" "$WD$2"
    else
        curl -s -m 60 -X "$1" "$WD$2"
    fi
}
ELEM=element-6066-11e4-a52e-4f735466cecf
# find CSS: the id of the first element matching CSS, or "".
find() {
    wd POST "/session/$S/element" "$(jq -nc --arg v "$1" '{using:"css selector",value:$v}')" \
        | jq -r --arg k "$ELEM" '.value[$k] // empty'
}
# count CSS: how many elements match CSS.
count() {
    wd POST "/session/$S/elements" "$(jq -nc --arg v "$1" '{using:"css selector",value:$v}')" \
        | jq '.value | length'
}
text() { wd GET "/session/$S/element/$1/text" | jq -r .value; }
prop() { wd GET "/session/$S/element/$1/property/$2" | jq -r .value; }
css() { wd GET "/session/$S/element/$1/css/$2" | jq -r .value; }
click() { wd POST "/session/$S/element/$1/click" '{}' >/dev/null; }
type_text() { wd POST "/session/$S/element/$1/value" "$(jq -nc --arg t "$2" '{text:$t}')" >/dev/null; }
js() { wd POST "/session/$S/execute/sync" "$(jq -nc --arg s "$1" '{script:$s,args:[]}')" | jq -r .value; }
go() { wd POST "/session/$S/url" "$(jq -nc --arg u "$1" '{url:$u}')" >/dev/null; }
url() { wd GET "/session/$S/url" | jq -r .value; }
# wait_for CSS: waits up to 10 s for an element matching CSS.
wait_for() {
    for i in $(seq 1 100); do
        [ "$(count "$1")" -gt 0 ] 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
screenshot() { wd GET "/session/$S/screenshot" | jq -r .value | base64 -d >"$1"; }
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

caps=$(jq -nc --arg bin "$CHROMIUM" --arg prof "$TMP/profile" '{capabilities: {alwaysMatch: {
    browserName: "chrome",
    "goog:loggingPrefs": {browser: "ALL"},
    "goog:chromeOptions": {binary: $bin, args: ["--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1280,900", ("--user-data-dir=" + $prof)]}}}}')
S=$(wd POST /session "$caps" | jq -r '.value.sessionId // empty')
[ -n "$S" ] || fail_all "chromium starts: $(tail -3 "$TMP/chromedriver.log")"
ok 0 "chromium session started"

# --- the start page, a typed query, highlighted results
go "$HTTPD_URL/search"
is "$(wd GET "/session/$S/title" | jq -r .value)" "Briefing Search" "start page title"
# keyboard: the first Tab reaches the skip link, which then shows on screen
press() { # press KEY: one key stroke (a WebDriver key code such as \ue004 for Tab)
    wd POST "/session/$S/actions" "{\"actions\":[{\"type\":\"key\",\"id\":\"kb\",\"actions\":[
        {\"type\":\"keyDown\",\"value\":\"$1\"},{\"type\":\"keyUp\",\"value\":\"$1\"}]}]}" >/dev/null
}
press '\ue004'
is "$(js 'return document.activeElement.textContent')" "Skip to results" "Tab first reaches the skip link"
is "$(js 'return document.activeElement.getBoundingClientRect().left >= 0')" true \
    "the focused skip link is on screen"
is "$(js 'return getComputedStyle(document.activeElement).outlineStyle')" solid \
    "and has a focus outline"
press '\ue004'
press '\ue004'
is "$(js 'return document.activeElement.id')" q "two more Tabs reach the query field"
q=$(find '#q')
check "query field found" [ -n "$q" ]
click "$q"
active=$(wd GET "/session/$S/element/active" | jq -r --arg k "$ELEM" '.value[$k]')
is "$active" "$q" "clicking the field focuses it"
is "$(css "$q" outline-style)" solid "the focused field shows a focus outline"
type_text "$q" "regulation"
click "$(find 'button[type=submit]')"
check "results appear after submitting" wait_for 'ol.results'
like "$(url)" "q=regulation" "the query is in the URL"
marks=$(count 'ol.results mark')
check "highlighted words are <mark> elements ($marks)" [ "$marks" -gt 0 ]
like "$(text "$(find 'ol.results mark')" | tr '[:upper:]' '[:lower:]')" "regulat" \
    "a mark holds a form of the query word"
like "$(css "$(find 'mark')" background-color)" "255, 224, 102" \
    "the stylesheet is applied (CSP lets ?asset=css load)"
is "$(prop "$(find '#q')" value)" "regulation" "the field keeps the query"
total=$(curl -s "$HTTPD_URL/search?q=regulation&format=json" | jq .total)
like "$(text "$(find '.summary')")" "of $total for" "the count of results is shown ($total)"
first1=$(text "$(find 'ol.results h2')")
check "a first result title ($first1)" [ -n "$first1" ]
screenshot "$SHOTS/results-desktop.png"
check "desktop screenshot saved" is_png "$SHOTS/results-desktop.png"

# --- page forward
click "$(find 'a[rel=next]')"
for i in $(seq 1 100); do
    case "$(url)" in *page=2*) break ;; esac
    sleep 0.1
done
like "$(url)" "page=2" "the next link goes to page 2"
wait_for 'ol.results h2'
first2=$(text "$(find 'ol.results h2')")
check "page 2 starts with another result ($first2)" [ -n "$first2" -a "$first2" != "$first1" ]
check "page 2 has a previous link" [ "$(count 'a[rel=prev]')" -eq 1 ]

# --- markup typed as a query is text, and runs nothing
for payload in '<script>alert(1)</script>' '"><img src=x onerror=alert(1)>'; do
    go "$HTTPD_URL/search"
    q=$(find '#q')
    type_text "$q" "$payload"
    click "$(find 'button[type=submit]')"
    wait_for 'main .summary, main .empty' >/dev/null
    sleep 0.3
    alert=$(wd GET "/session/$S/alert/text" | jq -r '.value.error // "ALERT: " + .value')
    is "$alert" "no such alert" "$payload: no alert opened"
    is "$(count 'script')" 0 "$payload: no script element in the DOM"
    is "$(count 'img')" 0 "$payload: no img element in the DOM"
    is "$(js 'return window.__x === undefined && document.querySelectorAll("[onerror]").length')" 0 \
        "$payload: no onerror attribute in the DOM"
    is "$(prop "$(find '#q')" value)" "$payload" "$payload: shown back as the field's text"
    is "$(text "$(find '.summary .q')")" "$payload" "$payload: shown as text in the summary"
done

# --- a phone-sized window
wd POST "/session/$S/window/rect" '{"width":390,"height":844}' >/dev/null
go "$HTTPD_URL/search?q=vaccine"
wait_for 'ol.results' >/dev/null
is "$(js 'return document.documentElement.scrollWidth <= window.innerWidth')" true \
    "phone width: nothing wider than the screen"
check "phone width: results shown" [ "$(count 'ol.results > li')" -gt 0 ]
screenshot "$SHOTS/results-phone.png"
check "phone screenshot saved" is_png "$SHOTS/results-phone.png"
go "$HTTPD_URL/search?q=vaccine&kind=quote"
wait_for 'ol.results' >/dev/null
check "quotes name their speaker" [ "$(count 'figcaption .speaker')" -gt 0 ]
is "$(js 'return document.documentElement.scrollWidth <= window.innerWidth')" true \
    "phone width with the filters open: nothing wider than the screen"
wd POST "/session/$S/window/rect" '{"width":390,"height":1800}' >/dev/null
screenshot "$SHOTS/quotes-phone-tall.png"
go "$HTTPD_URL/search?q=vacine"
wait_for '.suggestion a' >/dev/null
is "$(text "$(find '.suggestion a')")" "vaccine" "did-you-mean link"
screenshot "$SHOTS/empty-phone.png"

# the browser's console: no Content-Security-Policy violation on any page
wd POST "/session/$S/se/log" '{"type":"browser"}' >"$TMP/console.json"
jq -r '.value[]? | .message' "$TMP/console.json" >"$TMP/console.txt" 2>/dev/null
is "$(jq -r '.value | type' "$TMP/console.json")" array "the console log was read"
unlike "$(cat "$TMP/console.txt")" "Content Security Policy" "no CSP violation reported"
grep -v 'favicon.ico' "$TMP/console.txt" | sed 's/^/# console: /'
# and the policy is enforced: a script element added to the page does not run
is "$(js 'var s = document.createElement("script"); s.textContent = "window.pwned = 1";
          document.body.appendChild(s); return typeof window.pwned')" undefined \
    "the CSP stops an injected inline script"
wd POST "/session/$S/se/log" '{"type":"browser"}' | jq -r '.value[]? | .message' >"$TMP/console.txt"
like "$(cat "$TMP/console.txt")" "Content Security Policy" "and the browser reports the violation"

wd DELETE "/session/$S" >/dev/null
done_testing
