#!/bin/bash
# t900-fuzz-smoke.t - builds the libFuzzer targets and runs each for a short while (clang only).
# FUZZ_SMOKE_SECONDS overrides the 20 seconds per target.
. "$(dirname "$0")/lib.sh"

command -v clang >/dev/null 2>&1 || skip_all "clang is not installed"
secs=${FUZZ_SMOKE_SECONDS:-20}
out=$BUILD/fuzz

# A program that links with -fsanitize=fuzzer proves libclang-rt is there.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$TMP/probe.c"
clang -fsanitize=fuzzer,address,undefined "$TMP/probe.c" -o "$TMP/probe" >/dev/null 2>&1 ||
    skip_all "clang cannot link -fsanitize=fuzzer (libclang-rt missing)"

# The programs are built in $BUILD/fuzz/ (objects are reused between
# runs); the inputs they find, crashes and logs go to $TMP.
log=$(FUZZ_OUT=$out sh "$TOP/tests/fuzz/build.sh" 2>&1)
check "the fuzz targets build" [ $? -eq 0 ]
check "at least the tokenizer target is built" [ -x "$out/fuzz_tokenizer" ]
echo "$log" | grep -E 'skipping|built in' | sed 's/^/# /'

res=$(FUZZ_OUT=$out FUZZ_RUN_DIR=$TMP/run FUZZ_NO_BUILD=1 \
    sh "$TOP/tests/fuzz/run.sh" "$secs" 2>&1)
for bin in "$out"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    line=$(echo "$res" | grep -E "^(ok  |FAIL) $name:")
    like "$line" "ok   $name:" "fuzzer $name runs ${secs}s without a crash"
    case "$line" in ok*) ;; *) tail -30 "$TMP/run/$name.log" | sed 's/^/# /' ;; esac
done

done_testing
