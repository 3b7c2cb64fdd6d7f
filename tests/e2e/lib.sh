# lib.sh - sourced by every tests/e2e/tNNN-*.t: TAP output and shared paths.
# Each test prints TAP for prove. BRIEF_BIN names the programs' folder
# (bin/ by default; build/asan/bin under `make check-asan`).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BRIEF_BIN:-$TOP/bin}
BUILD=${BRIEF_BUILD:-$TOP/build}
SHARED=$TOP/../shared
SEED=$SHARED/seeds/000_487b23413f80eb5f.txt
TMP=$(mktemp -d "${TMPDIR:-/tmp}/brief-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_n=0
_failed=0

# ok STATUS DESCRIPTION: one test line; STATUS 0 passes.
ok() {
    _n=$((_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $_n - $2"
    else
        echo "not ok $_n - $2"
        _failed=$((_failed + 1))
    fi
}

# check DESCRIPTION CMD...: passes when CMD exits 0.
check() {
    _d=$1
    shift
    if "$@"; then ok 0 "$_d"; else ok 1 "$_d"; fi
}

# is GOT WANT DESCRIPTION
is() {
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '#   got: %s\n#  want: %s\n' "$1" "$2"
    fi
}

# like GOT SUBSTRING DESCRIPTION
like() {
    case "$1" in
    *"$2"*) ok 0 "$3" ;;
    *) ok 1 "$3"; printf '#   got: %s\n#  want it to contain: %s\n' "$1" "$2" ;;
    esac
}

# unlike GOT SUBSTRING DESCRIPTION
unlike() {
    case "$1" in
    *"$2"*) ok 1 "$3"; printf '#   got: %s\n#  which contains: %s\n' "$1" "$2" ;;
    *) ok 0 "$3" ;;
    esac
}

# skip_all REASON: the whole file is skipped.
skip_all() {
    echo "1..0 # SKIP $1"
    exit 0
}

# fail_all REASON: a set-up step the rest depends on failed: one failing
# test, and the file stops (unlike skip_all, for what is missing, not broken).
fail_all() {
    ok 1 "$1"
    echo "1..$_n"
    exit 1
}

# done_testing: prints the plan; the exit status says whether all passed.
done_testing() {
    echo "1..$_n"
    [ "$_failed" -eq 0 ]
}
