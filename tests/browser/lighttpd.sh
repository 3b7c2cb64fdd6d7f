# lighttpd.sh - sourced by the CGI tests: serves bin/briefing.cgi with a real lighttpd.
#
# After tests/e2e/lib.sh: lighttpd_start DB starts lighttpd in the
# foreground (-D) in the background on 127.0.0.1 and a free port, with a
# configuration generated into $TMP that includes
# contrib/web/lighttpd-briefing.conf (the example users install), and
# waits until it answers. It sets HTTPD_URL (http://127.0.0.1:PORT) and
# HTTPD_PID; the server is stopped when the test exits. Besides /search
# (BRIEFING_DB=DB) the test server has two extra routes running the same
# program: /tight (BRIEFING_WORK_LIMIT=1: a heavy search is stopped) and
# /missing (an index path that does not exist).

# free_port: prints a TCP port nothing listens on (as far as bash can tell).
free_port() {
    local port i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

lighttpd_stop() {
    if [ -n "${HTTPD_PID:-}" ]; then
        kill "$HTTPD_PID" 2>/dev/null
        wait "$HTTPD_PID" 2>/dev/null
        HTTPD_PID=
    fi
}

# lighttpd_start DB: see above. Returns non-zero when it could not start.
lighttpd_start() {
    local db=$1 port tries=0 i
    command -v lighttpd >/dev/null 2>&1 || return 1
    mkdir -p "$TMP/www"
    while [ $tries -lt 5 ]; do
        tries=$((tries + 1))
        port=$(free_port) || return 1
        cat >"$TMP/lighttpd.conf" <<CONF
var.briefing_cgi = "$BIN/briefing.cgi"
var.briefing_db = "$db"
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$TMP/www"
server.errorlog = "$TMP/lighttpd-error.log"
# Let hostile bytes (%0D%0A, %00) and a 100 KB query string reach the
# program, so that its own defences are what the tests check.
server.http-parseopts = ("url-ctrls-reject" => "disable")
server.max-request-field-size = 262144
include "$TOP/contrib/web/lighttpd-briefing.conf"

alias.url += ("/tight" => var.briefing_cgi, "/missing" => var.briefing_cgi)
\$HTTP["url"] == "/tight" {
    cgi.assign = ("" => "")
    setenv.set-environment = ("BRIEFING_DB" => var.briefing_db, "BRIEFING_WORK_LIMIT" => "1")
}
\$HTTP["url"] == "/missing" {
    cgi.assign = ("" => "")
    setenv.set-environment = ("BRIEFING_DB" => "$TMP/no-such-index.db")
}
CONF
        lighttpd -D -f "$TMP/lighttpd.conf" >"$TMP/lighttpd.out" 2>&1 &
        HTTPD_PID=$!
        HTTPD_URL="http://127.0.0.1:$port"
        for i in $(seq 1 50); do
            if curl -s -o /dev/null "$HTTPD_URL/search?asset=css"; then
                return 0
            fi
            kill -0 "$HTTPD_PID" 2>/dev/null || break
            sleep 0.1
        done
        lighttpd_stop
    done
    return 1
}

trap 'lighttpd_stop; rm -rf "$TMP"' EXIT
