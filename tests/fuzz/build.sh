#!/bin/sh
# build.sh - builds the libFuzzer targets tests/fuzz/fuzz_*.c into build/fuzz/ (run by `make fuzz`).
# Each target names the library functions it needs on a "fuzz-requires:"
# line; a target whose functions are not in lib/ yet is skipped with a
# note, so the script works on a tree that is still growing.
# Environment: CLANG (default clang), FUZZ_OUT (default build/fuzz).
set -eu
cd "$(dirname "$0")/../.."
CLANG=${CLANG:-clang}
OUT=${FUZZ_OUT:-build/fuzz}

if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "fuzz/build.sh: '$CLANG' not found; libFuzzer needs clang" >&2
    exit 2
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 $SAN \
    -Iinclude -Ilib $(pkg-config --cflags sqlite3 jansson 2>/dev/null || true) \
    -DBRIEF_VERSION=\"fuzz\""
LIBS="$(pkg-config --libs sqlite3 jansson 2>/dev/null || echo -lsqlite3 -ljansson) \
    ${STEMMER_LIBS:--lstemmer} -lm"

mkdir -p "$OUT/obj"
# The library is instrumented for coverage (fuzzer-no-link) and archived,
# so each target pulls in only the objects it uses.
# stale OBJ SRC: whether OBJ must be rebuilt (missing, or older than SRC or
# than a header its .d file lists).
stale() {
    [ -f "$1" ] && [ -f "$1.d" ] || return 0
    [ "$2" -nt "$1" ] && return 0
    for h in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$1.d" | tr ' ' '\n' | grep '\.h$' | sort -u); do
        [ ! -f "$h" ] || [ "$h" -nt "$1" ] && return 0
    done
    return 1
}

# A file that does not compile (someone's work in progress) is left out
# with a note; the targets that need it are then skipped.
objs=""
srcs=""
for src in lib/*.c; do
    obj="$OUT/obj/$(basename "$src" .c).o"
    if stale "$obj" "$src"; then
        if ! "$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -MMD -MF "$obj.d" -c "$src" -o "$obj"
        then
            echo "fuzz/build.sh: warning: $src does not compile; left out" >&2
            rm -f "$obj" "$obj.d"
            continue
        fi
    fi
    objs="$objs $obj"
    srcs="$srcs $src"
done
# The archive is remade when an object is newer or the set changed.
lib=$OUT/libbrief-fuzz.a
if [ ! -f "$lib" ] || [ "$(cat "$lib.list" 2>/dev/null)" != "$objs" ] ||
    [ -n "$(find "$OUT/obj" -name '*.o' -newer "$lib")" ]; then
    rm -f "$lib"
    ar rcs "$lib" $objs
    echo "$objs" >"$lib.list"
fi

# defined FUNCTION: whether some compiled lib/*.c defines it (a line starting with
# its return type and the name followed by '(').
defined() {
    grep -qE "^[A-Za-z_][A-Za-z0-9_ ]*[ *]$1\(" $srcs
}

built=0
skipped=0
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    missing=""
    for fn in $(sed -n 's/.*fuzz-requires://p' "$src"); do
        defined "$fn" || missing="$missing $fn"
    done
    if [ -n "$missing" ]; then
        echo "fuzz/build.sh: skipping $name: missing from lib/ (or not compiling):$missing"
        skipped=$((skipped + 1))
        rm -f "$OUT/$name"
        continue
    fi
    if [ -x "$OUT/$name" ] && [ "$OUT/$name" -nt "$lib" ] && [ "$OUT/$name" -nt "$src" ]; then
        built=$((built + 1))
        continue
    fi
    if ! "$CLANG" $CFLAGS -fsanitize=fuzzer "$src" "$lib" $LIBS -o "$OUT/$name"
    then
        echo "fuzz/build.sh: skipping $name: it does not link (see above)"
        skipped=$((skipped + 1))
        rm -f "$OUT/$name"
        continue
    fi
    built=$((built + 1))
done
echo "fuzz/build.sh: $built targets built in $OUT/, $skipped skipped"
