#!/bin/sh
# install-deps.sh - installs the Debian packages Briefing Search needs.
#   install-deps.sh build   what `make` and `make demo` need
#   install-deps.sh test    also what `make check` and `make bench` need
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -e

build_pkgs="build-essential pkg-config libsqlite3-dev libstemmer-dev libjansson-dev sqlite3"
test_pkgs="libcmocka-dev perl jq curl lighttpd chromium chromium-driver wrk clang libclang-rt-dev valgrind procps nginx-light fcgiwrap apache2"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: install-deps.sh build|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "install-deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get install$missing" >&2
    exit 1
fi
