#!/bin/sh
# run-unit.sh - runs each cmocka test program given and prints one closing line.
passed=0
failed=0
for t in "$@"; do
    if "$t"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $t" >&2
        failed=$((failed + 1))
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
