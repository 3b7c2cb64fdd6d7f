#!/bin/sh
# run.sh SECONDS [TARGET...] - builds the fuzzers and runs each for SECONDS; fails on any crash.
# TARGET is a name such as tokenizer or fuzz_tokenizer; default: every
# target build.sh could build. Seeds come from tests/fuzz/corpus/<target>/
# (read only); new inputs go to build/fuzz/corpus/<target>/, crashes to
# build/fuzz/artifacts/, each run's output to build/fuzz/<target>.log.
# FUZZ_OUT names another folder than build/fuzz for the programs;
# FUZZ_RUN_DIR another for the new inputs, artifacts and logs (default
# FUZZ_OUT); FUZZ_NO_BUILD=1 runs what is built without calling build.sh.
set -u
cd "$(dirname "$0")/../.."
OUT=${FUZZ_OUT:-build/fuzz}
RUN=${FUZZ_RUN_DIR:-$OUT}
secs=${1:-}
case "$secs" in
'' | *[!0-9]*) echo "usage: tests/fuzz/run.sh SECONDS [TARGET...]" >&2; exit 2 ;;
esac
shift

mkdir -p "$OUT"
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
    sh tests/fuzz/build.sh >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 2; }
    grep -E "skipping|warning" "$OUT/build.log" && echo "(details in $OUT/build.log)"
fi

if [ $# -eq 0 ]; then
    set -- $(cd "$OUT" && ls fuzz_* 2>/dev/null)
fi
[ $# -gt 0 ] || { echo "run.sh: no fuzz targets built" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$RUN/artifacts"
failed=0
for t in "$@"; do
    name=${t#fuzz_}
    bin=$OUT/fuzz_$name
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: $bin not built"
        failed=$((failed + 1))
        continue
    fi
    work=$RUN/corpus/$name
    mkdir -p "$work"
    dict=
    [ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
    seeds=tests/fuzz/corpus/$name
    [ -d "$seeds" ] || seeds=
    log=$RUN/$name.log
    # -timeout: one input taking 10 s is a hang; -max_len: 64 KB inputs
    # reach the tokenizer's and parsers' long-input paths.
    if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$RUN/artifacts/$name-" $dict \
        "$work" $seeds >"$log" 2>&1; then
        runs=$(grep -a '^stat::number_of_executed_units:' "$log" | tail -1 | tr -dc 0-9)
        cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1)
        echo "ok   $name: ${runs:-?} runs in ${secs}s, $cov"
    else
        echo "FAIL $name: see $log"
        grep -aE '^(==[0-9]+==ERROR|SUMMARY|fuzz_|.*runtime error)|Test unit written' "$log" |
            head -8
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ]
