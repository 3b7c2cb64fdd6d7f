#!/bin/bash
# t330-cgi-nginx-apache.t - bin/briefing.cgi behind nginx + fcgiwrap and behind Apache, over HTTP.
#
# Each server runs unprivileged-style in the foreground under its own
# prefix in $TMP, on 127.0.0.1 and a free port, with a configuration that
# takes contrib/web/nginx-fcgiwrap.conf or contrib/web/apache-briefing.conf
# and edits its paths the way the README tells a user to (the program, the
# index, the fcgiwrap socket). A server that is not installed is skipped
# with TAP skip lines.
. "$(dirname "$0")/lib.sh"

[ -x "$BIN/briefing.cgi" ] || skip_all "$BIN/briefing.cgi is not built"
[ -x "$BIN/briefing-index" ] || skip_all "$BIN/briefing-index is not built"
for tool in curl jq; do
    command -v $tool >/dev/null 2>&1 || skip_all "no $tool"
done
. "$TOP/tests/browser/lighttpd.sh" # (for free_port)
PATH=$PATH:/usr/sbin:/sbin # nginx, apache2 and fcgiwrap live there

# skip COUNT REASON: COUNT skipped tests.
skip() {
    local i
    for i in $(seq 1 "$1"); do
        _n=$((_n + 1))
        echo "ok $_n # skip $2"
    done
}

# Servers started here (each in its own process group, by setsid), all
# stopped when the test exits: TERM, then KILL what is left after a second
# (an Apache child stuck on a reset CGI connection holds up its shutdown).
PIDS=
stop_all() {
    local pid i
    [ -n "$PIDS" ] || return 0
    for pid in $PIDS; do
        kill -TERM -- -"$pid" 2>/dev/null
    done
    for i in $(seq 1 10); do
        for pid in $PIDS; do
            kill -0 -- -"$pid" 2>/dev/null && break
            pid=
        done
        [ -z "$pid" ] && break
        sleep 0.1
    done
    for pid in $PIDS; do
        kill -KILL -- -"$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    PIDS=
}
trap 'stop_all; rm -rf "$TMP"' EXIT

# Work on copies: a `make` elsewhere in the tree may relink bin/ mid-test.
mkdir -p "$TMP/bin" "$TMP/www"
cp "$BIN/briefing.cgi" "$BIN/briefing-index" "$TMP/bin/"
BIN=$TMP/bin
DB=$TMP/index.db
"$BIN/briefing-index" --db "$DB" "$TOP/corpus" 2>"$TMP/index.err"
is "$?" 0 "test index built from corpus/"
# The servers drop root to another user, who must reach the program and
# the index (mktemp -d made $TMP private).
chmod a+rx "$TMP" "$TMP/bin" "$TMP/www"
chmod a+r "$DB"

# contrib_edit FILE: FILE with its example paths replaced by the test's
# ones, as a user edits them.
contrib_edit() {
    sed -e "s|/usr/local/lib/cgi-bin/briefing.cgi|$BIN/briefing.cgi|g" \
        -e "s|/usr/local/lib/cgi-bin|$BIN|g" \
        -e "s|/var/lib/briefing-search/index.db|$DB|g" \
        -e "s|/run/fcgiwrap.socket|$TMP/fcgiwrap.sock|g" "$1"
}

# get [CURL-ARGS...] URL-PATH: headers to $TMP/h (CR removed), body to $TMP/b,
# status code in $code; the server is $URL.
get() {
    local path=${!#}
    set -- "${@:1:$#-1}"
    rm -f "$TMP/b" "$TMP/h.raw"
    touch "$TMP/b" "$TMP/h.raw"
    code=$(curl -s -g -m 20 -D "$TMP/h.raw" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path")
    tr -d '\r' <"$TMP/h.raw" >"$TMP/h"
}
header() { sed -n "s/^$1: //Ip" "$TMP/h" | head -1; }
body() { cat "$TMP/b"; }

# wait_up PID: waits until $URL answers; non-zero when PID died or it never did.
wait_up() {
    local i
    for i in $(seq 1 50); do
        curl -sf -o /dev/null "$URL/search?asset=css" && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

CHECKS=20 # tests in checks()

# post_body_405 NAME TRIES: TRIES POSTs with a body all answer 405 (a
# server whose CGI stdin is a socket, like mod_cgid, resets the connection
# now and then when the program exits without reading the body, or
# answers 405 only after 5 s; the loop stops at the first other answer).
post_body_405() {
    local i codes= tries=$2
    for i in $(seq 1 "$tries"); do
        get -m 8 -X POST -d q=x /search
        codes="$codes $code"
        [ "$code" = 405 ] || break
    done
    codes=$(echo $codes | tr ' ' '\n' | sort | uniq -c | tr -s ' \n' ' ')
    is "$codes" " $tries 405 " "$1: $tries POSTs with a body: all 405"
}
# checks NAME: what every server must do for /search and /missing.
checks() {
    local name=$1 etag total
    get "/search?q=vaccine"
    is "$code" 200 "$name: search: 200"
    is "$(header Content-Type)" "text/html; charset=utf-8" "$name: HTML with charset"
    like "$(body)" "<mark>" "$name: results highlighted"
    is "$(header X-Content-Type-Options)" nosniff "$name: nosniff"
    like "$(header Content-Security-Policy)" "default-src 'none'" "$name: CSP"
    is "$(header Referrer-Policy)" no-referrer "$name: Referrer-Policy"
    is "$(header Cache-Control)" "public, max-age=60" "$name: Cache-Control"
    etag=$(header ETag)
    like "$etag" 'W/"' "$name: ETag"
    get -H "If-None-Match: $etag" "/search?q=vaccine"
    is "$code" 304 "$name: If-None-Match: 304"
    get "/search?q=vaccine&format=json"
    is "$code" 200 "$name: JSON: 200"
    is "$(header Content-Type)" "application/json; charset=utf-8" "$name: JSON type"
    total=$(jq .total "$TMP/b" 2>/dev/null)
    check "$name: JSON total > 0 ($total)" [ "${total:-0}" -gt 0 ]
    get "/search?q=x&page=0"
    is "$code" 400 "$name: page=0: 400"
    like "$(body)" "page must be" "$name: with the reason"
    get -X POST /search
    is "$code" 405 "$name: POST: 405"
    is "$(header Allow)" "GET, HEAD" "$name: Allow header"
    get "/missing?q=vaccine"
    is "$code" 503 "$name: missing index: 503"
    is "$(header Retry-After)" 60 "$name: Retry-After"
    get -I "/search?q=vaccine"
    is "$code $(header Content-Type)" "200 text/html; charset=utf-8" "$name: HEAD: 200"
    get "/search?q=vaccine"
    is "$code" 200 "$name: still serving"
}

# --- nginx + fcgiwrap
nginx_run() {
    local pre=$TMP/nginx
    mkdir -p "$pre/conf" "$pre/logs" "$pre/tmp"
    # the Debian parameter list the example includes
    cp /etc/nginx/fastcgi_params "$pre/conf/" || return 1
    contrib_edit "$TOP/contrib/web/nginx-fcgiwrap.conf" >"$pre/conf/briefing-search.conf"
    contrib_edit "$TOP/contrib/web/nginx-fcgiwrap.conf" |
        sed -e "s|location = /search|location = /missing|" \
            -e "s|$DB|$TMP/no-such-index.db|" >"$pre/conf/missing.conf"
    # (-f: the program's stderr goes to nginx's error log, as on Debian)
    setsid fcgiwrap -f -s "unix:$TMP/fcgiwrap.sock" >"$TMP/fcgiwrap.out" 2>&1 &
    PIDS="$PIDS $!"
    nginx_try || nginx_try || nginx_try
}
# nginx_try: nginx on a free port, or non-zero.
nginx_try() {
    local port pre=$TMP/nginx user=
    # as root, the workers would become nobody, who cannot use the socket
    [ "$(id -u)" = 0 ] && user="user root;"
    port=$(free_port) || return 1
    cat >"$pre/conf/nginx.conf" <<CONF
$user
worker_processes 1;
pid $pre/nginx.pid;
error_log $pre/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $pre/tmp/body;
    fastcgi_temp_path $pre/tmp/fastcgi;
    proxy_temp_path $pre/tmp/proxy;
    scgi_temp_path $pre/tmp/scgi;
    uwsgi_temp_path $pre/tmp/uwsgi;
    server {
        listen 127.0.0.1:$port;
        root $TMP/www;
        include briefing-search.conf;
        include missing.conf;
    }
}
CONF
    URL="http://127.0.0.1:$port"
    setsid nginx -p "$pre" -c conf/nginx.conf -g 'daemon off;' >"$TMP/nginx.out" 2>&1 &
    PIDS="$PIDS $!"
    wait_up $! || { kill -- -$! 2>/dev/null; return 1; }
}
if ! command -v nginx >/dev/null 2>&1 || ! command -v fcgiwrap >/dev/null 2>&1; then
    skip $((CHECKS + 3)) "nginx or fcgiwrap is not installed"
else
    nginx_run
    up=$?
    ok $up "nginx + fcgiwrap answer on $URL"
    [ $up = 0 ] || cat "$TMP/fcgiwrap.out" "$TMP/nginx.out" "$TMP/nginx/logs/error.log" 2>/dev/null | sed 's/^/# /'
    checks nginx
    post_body_405 nginx 30
    get "/search/extra?q=vaccine"
    is "$code" 404 "nginx: only /search itself runs the program"
    stop_all
fi

# --- Apache (mod_cgid)
apache_run() {
    local pre=$TMP/apache
    mkdir -p "$pre/logs"
    contrib_edit "$TOP/contrib/web/apache-briefing.conf" >"$pre/briefing-search.conf"
    contrib_edit "$TOP/contrib/web/apache-briefing.conf" |
        sed -e "s|^ScriptAlias /search |ScriptAlias /missing |" \
            -e "s|<Location \"/search\">|<Location \"/missing\">|" \
            -e "s|$DB|$TMP/no-such-index.db|" >"$pre/missing.conf"
    apache_try || apache_try || apache_try
}
# apache_try: Apache on a free port, or non-zero.
apache_try() {
    local port pre=$TMP/apache mods=/usr/lib/apache2/modules user=
    # Apache refuses to serve as root: the children become nobody
    [ "$(id -u)" = 0 ] && user="User nobody
Group nogroup"
    port=$(free_port) || return 1
    cat >"$pre/httpd.conf" <<CONF
ServerRoot $pre
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile $pre/httpd.pid
ErrorLog $pre/logs/error.log
LogLevel warn
Mutex file:$pre default
$user
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule mime_module $mods/mod_mime.so
LoadModule cgid_module $mods/mod_cgid.so
TypesConfig /etc/mime.types
ScriptSock $pre/cgid.sock
StartServers 1
ServerLimit 2
ThreadsPerChild 10
MaxRequestWorkers 20
DocumentRoot $TMP/www
<Directory />
    Require all denied
</Directory>
# (as Debian grants /var/www: PATH_TRANSLATED for /search/x looks there)
<Directory $TMP/www>
    Require all granted
</Directory>
Include $pre/briefing-search.conf
Include $pre/missing.conf
CONF
    URL="http://127.0.0.1:$port"
    setsid apache2 -d "$pre" -f "$pre/httpd.conf" -DFOREGROUND >"$TMP/apache.out" 2>&1 &
    PIDS="$PIDS $!"
    wait_up $! || { kill -- -$! 2>/dev/null; return 1; }
}
if ! command -v apache2 >/dev/null 2>&1 || ! [ -f /usr/lib/apache2/modules/mod_cgid.so ]; then
    skip $((CHECKS + 3)) "apache2 is not installed"
else
    apache_run
    up=$?
    ok $up "Apache answers on $URL"
    [ $up = 0 ] || cat "$TMP/apache.out" "$TMP/apache/logs/error.log" 2>/dev/null | sed 's/^/# /'
    checks apache
    post_body_405 apache 30
    get "/search/extra?q=vaccine"
    is "$code" 200 "apache: a path below /search runs the program"
    stop_all
fi

crash_re='signal|core dumped|malformed|premature|sanitizer|runtime error'
no_crash() { ! grep -qiE "$crash_re" "$1"; }
for server in nginx apache; do
    log=$TMP/$server/logs/error.log
    [ -f "$log" ] || continue
    check "no CGI crashed ($server error log)" no_crash "$log"
    # on stderr, which prove shows without -v (a CI log keeps it)
    no_crash "$log" || grep -iE "$crash_re" "$log" | head -20 | sed 's/^/# /' >&2
done

done_testing
